"""``python -m joinedup.mapping.internals.beside FD``: the process the refresh starts to work out hotspots and
adults of concern beside its other analyses (``periodic.analyses_process``), over the connection ``FD`` it is
handed. It reads and writes no database and never sets Django up."""

import importlib.util
import sys
from multiprocessing.connection import Connection

from .periodic import analyses_process

if __name__ == "__main__":
    # igraph's Graph() tries ``import numpy`` each time (see summaries.numpy_marked_absent): in this process of its
    # own, with numpy not installed, it fails at once.
    if importlib.util.find_spec("numpy") is None:
        sys.modules["numpy"] = None  # type: ignore[assignment]
    analyses_process(Connection(int(sys.argv[1])))
