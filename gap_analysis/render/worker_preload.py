"""What the layout workers' forkserver loads before it forks them (`render.part_pool`).

It imports the worker (and with it WeasyPrint, Pango, the fonts' code), then moves
every object made so far out of the garbage collector's reach (`gc.freeze`): a
worker forked afterwards shares those pages with the forkserver and its sibling
instead of copying each page the collector would touch. Measured on MASVS v1.5.0
with two workers: the peak memory of all processes summed (PSS) 192 MB without,
164 MB with.

The collector is off while the worker is imported (see below). Importing the
worker also parses the C types WeasyPrint asks for, in one run of
cffi's parser (`render.cffi_types`, by way of `render.pdf`): done here, once,
not in each worker's first part.
"""

from __future__ import annotations

import gc

# What these imports make lives as long as the process, so the collector's passes while they
# run find nothing to free: without them the forkserver is ready 0.03-0.04 s sooner (of 0.5 s).
gc.disable()
import gap_analysis.render.part_worker  # noqa: E402, F401 - loaded for the workers to inherit

gc.freeze()
gc.enable()  # in the workers, which lay out: they make cycles, and free them
