"""The review path as data: stages, actions and the gates that guard them."""

from __future__ import annotations

from dataclasses import dataclass, field

from gap_analysis.model.schema import NOT_IN_TOML, toml

KNOWN_GATES = ("check", "no-open-comments", "clean-tree")

UNDO = "undo"
"""The action that reverts the last event in effect on a version; no workflow may define it."""

AMEND = "amend"
"""The event `version amend` records: new values for a version's record, no change of state."""

RESERVED_ACTIONS = (UNDO, "history", AMEND)
"""Words of `review` (and events) that are not workflow actions."""


@dataclass(frozen=True, slots=True)
class Stage:
    id: str
    name: str = field(metadata=toml(optional=True))
    """Display name, e.g. `SG17` (`report.toml` may leave it out: then the id)."""
    body: str = ""
    """The body behind the stage, e.g. `ITU-T Study Group 17`."""
    final: bool = False
    """No action leads out of a final stage (published, returned)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One transition: `name` taken from any of `from_states` leads to `to`."""

    name: str
    from_states: tuple[str, ...] = field(metadata=toml("from", optional=True))
    to: str
    roles: tuple[str, ...] = ()
    """Roles allowed to take it; empty means any listed person."""
    gates: tuple[str, ...] = ()
    note_required: bool = False
    line: int = field(default=0, metadata=NOT_IN_TOML)
    """Line of `report.toml` that defines it (0 for the default workflow)."""


@dataclass(frozen=True, slots=True)
class Workflow:
    stages: tuple[Stage, ...] = field(metadata=toml(optional=True))
    """`[[workflow.stages]]`; left out: the default path's."""
    actions: tuple[Action, ...] = field(metadata=toml(optional=True))
    """`[[workflow.actions]]`; left out: the default path's."""
    initial: str = "draft"
    returned: str = "returned"
    """The stage a version is in after `return`; its successor resumes where it was returned."""
    resubmit_action: str = field(default="submit", metadata=NOT_IN_TOML)
    stage_lines: dict[str, int] = field(default_factory=dict, compare=False, metadata=NOT_IN_TOML)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    def actions_from(self, state: str) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if state in a.from_states)

    def action(self, name: str, state: str) -> Action | None:
        return next((a for a in self.actions if a.name == name and state in a.from_states), None)


def default_workflow() -> Workflow:
    """The CG-COP -> SG17 -> CWG-COP path of DESIGN.md."""
    stages = (
        Stage("draft", "Draft", "Editors"),
        Stage("cg-cop", "CG-COP", "ITU-T SG17 Correspondence Group on Child Online Protection"),
        Stage("sg17", "SG17", "ITU-T Study Group 17"),
        Stage("cwg-cop", "CWG-COP", "ITU Council Working Group on Child Online Protection"),
        Stage("published", "Published", "ITU COP website", final=True),
        Stage("returned", "Returned", "", final=True),
    )
    actions = (
        Action("submit", ("draft",), "cg-cop", ("editor",), ("check",)),
        Action("agree", ("cg-cop",), "sg17", ("cg-cop",), ("check", "no-open-comments")),
        Action("agree", ("sg17",), "cwg-cop", ("sg17",), ("check", "no-open-comments")),
        Action("agree", ("cwg-cop",), "published", ("cwg-cop",), ("check", "no-open-comments")),
        Action(
            "return",
            ("cg-cop", "sg17", "cwg-cop"),
            "returned",
            ("cg-cop", "sg17", "cwg-cop"),
            (),
            note_required=True,
        ),
    )
    return Workflow(stages, actions)


DEFAULT_ROLES = ("editor", "cg-cop", "sg17", "cwg-cop")
