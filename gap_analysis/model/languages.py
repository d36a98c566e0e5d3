"""The words a report prints around its own text, in the six languages of ITU.

One table per language, chosen by `language` in `report.toml` (a chapter's
`lang` changes the language of its own text, not of the document's frame).
A tag with a region (`fr-CH`, `zh-Hans`) takes its language's table; a language
without a table takes English's, so a report always builds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "syr", "dv", "yi"})


@dataclass(frozen=True, slots=True)
class Words:
    contents: str
    annex: str
    figure: str
    table: str
    clause: str
    """Before a clause number in a cross-reference: "clause 4.2"."""
    list_of_figures: str
    list_of_tables: str
    page_of: tuple[str, str, str]
    """"Page X of Y" around the two numbers: before X, between X and Y, after Y."""
    study_period: str
    document: str
    meeting: str
    questions: str
    source: str
    version: str
    date: str
    keywords: str
    abstract: str
    contact: str
    contacts: str
    email: str
    document_history: str
    gap_register: str
    """The title of the gap register annex, which reviewers also name as a clause."""


WORDS: dict[str, Words] = {
    "en": Words(
        contents="Contents",
        annex="Annex",
        figure="Figure",
        table="Table",
        clause="clause",
        list_of_figures="List of figures",
        list_of_tables="List of tables",
        page_of=("Page ", " of ", ""),
        study_period="Study period",
        document="Document",
        meeting="Meeting",
        questions="Questions",
        source="Source",
        version="Version",
        date="Date",
        keywords="Keywords",
        abstract="Abstract",
        contact="Contact",
        contacts="Contacts",
        email="E-mail",
        document_history="Document history",
        gap_register="Gap register",
    ),
    "fr": Words(
        contents="Table des matières",
        annex="Annexe",
        figure="Figure",
        table="Tableau",
        clause="paragraphe",
        list_of_figures="Liste des figures",
        list_of_tables="Liste des tableaux",
        page_of=("Page ", " sur ", ""),
        study_period="Période d'études",
        document="Document",
        meeting="Réunion",
        questions="Questions",
        source="Source",
        version="Version",
        date="Date",
        keywords="Mots clés",
        abstract="Résumé",
        contact="Contact",
        contacts="Contacts",
        email="Courriel",
        document_history="Historique du document",
        gap_register="Registre des lacunes",
    ),
    "es": Words(
        contents="Índice",
        annex="Anexo",
        figure="Figura",
        table="Cuadro",
        clause="cláusula",
        list_of_figures="Lista de figuras",
        list_of_tables="Lista de cuadros",
        page_of=("Página ", " de ", ""),
        study_period="Periodo de estudios",
        document="Documento",
        meeting="Reunión",
        questions="Cuestiones",
        source="Fuente",
        version="Versión",
        date="Fecha",
        keywords="Palabras clave",
        abstract="Resumen",
        contact="Contacto",
        contacts="Contactos",
        email="Correo-e",
        document_history="Historial del documento",
        gap_register="Registro de brechas",
    ),
    "ru": Words(
        contents="Содержание",
        annex="Приложение",
        figure="Рисунок",
        table="Таблица",
        clause="пункт",
        list_of_figures="Список рисунков",
        list_of_tables="Список таблиц",
        page_of=("Страница ", " из ", ""),
        study_period="Исследовательский период",
        document="Документ",
        meeting="Собрание",
        questions="Вопросы",
        source="Источник",
        version="Версия",
        date="Дата",
        keywords="Ключевые слова",
        abstract="Резюме",
        contact="Контактное лицо",
        contacts="Контактные лица",
        email="Эл. почта",
        document_history="История документа",
        gap_register="Реестр пробелов",
    ),
    "ar": Words(
        contents="المحتويات",
        annex="الملحق",
        figure="الشكل",
        table="الجدول",
        clause="البند",
        list_of_figures="قائمة الأشكال",
        list_of_tables="قائمة الجداول",
        page_of=("الصفحة ", " من ", ""),
        study_period="فترة الدراسة",
        document="الوثيقة",
        meeting="الاجتماع",
        questions="المسائل",
        source="المصدر",
        version="الصيغة",
        date="التاريخ",
        keywords="كلمات أساسية",
        abstract="ملخص",
        contact="جهة الاتصال",
        contacts="جهات الاتصال",
        email="البريد الإلكتروني",
        document_history="تاريخ الوثيقة",
        gap_register="سجل الثغرات",
    ),
    "zh": Words(
        contents="目录",
        annex="附件",
        figure="图",
        table="表",
        clause="节",
        list_of_figures="图目录",
        list_of_tables="表目录",
        page_of=("第 ", " 页，共 ", " 页"),
        study_period="研究期",
        document="文件",
        meeting="会议",
        questions="课题",
        source="来源",
        version="版本",
        date="日期",
        keywords="关键词",
        abstract="摘要",
        contact="联系人",
        contacts="联系人",
        email="电子邮件",
        document_history="文件历史",
        gap_register="差距登记册",
    ),
}


ENGLISH = WORDS["en"]
"""The words of a report in English, or in a language without a table; the default of a
renderer that is not told the report's language."""


def base_language(tag: str) -> str:
    """`fr-CH` -> `fr`; `zh-Hans` -> `zh`; lower case."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def words_for(tag: str) -> Words:
    return WORDS.get(base_language(tag), ENGLISH)


def is_rtl(tag: str) -> bool:
    return base_language(tag) in RTL_LANGUAGES


def text_direction(text: str) -> str | None:
    """`rtl` or `ltr` from the first strongly directional character (as `dir="auto"` does)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None
