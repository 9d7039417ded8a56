"""``python -m joinedup.mapping.writer FD``: the process a refresh on SQLite in a file starts to write its rows
(``services._Writer``), so that SQLite's work and the Python work of each INSERT run on another core, not in the
refresh's process sharing Python's lock with its analyses.

Over the connection ``FD`` it is told the name of the refresh's database (as the refresh's own connection has it:
a test's database is not the one the settings name), then given lots of rows one at a time, each as
``(model's label, field names, file, JSON fields)``: the rows are in the file (``periodic.hand_over``, in the
refresh's own folder), which it reads and deletes. It writes each lot in transactions of ``services.CHUNK`` rows
(``services._insert_values``) and answers ``("written", rows)``; given ``None`` it answers ``("done", None)`` and
ends. Where anything fails it answers ``("error", the traceback)`` and ends, the lot it was writing rolled back to
its last whole chunk; the refresh then deletes the generation."""

import contextlib
import sys
import traceback
from multiprocessing.connection import Connection


def writer_process(pipe: Connection) -> None:
    from django.apps import apps
    from django.db import connection

    from joinedup.bulk import large_writes

    from .internals.periodic import take_over
    from .services import _insert_values

    try:
        connection.settings_dict["NAME"] = pipe.recv()
        connection.close()  # where setting Django up connected to the database the settings name, not the refresh's
        with large_writes():
            while (lot := pipe.recv()) is not None:
                label, names, path, encoded = lot
                pipe.send(("written", _insert_values(apps.get_model(label), names, take_over(path), encoded)))
        pipe.send(("done", None))
    except EOFError:
        pass  # the refresh is gone: what it began is an unfinished generation, which the next refresh deletes
    except BaseException:
        with contextlib.suppress(OSError):
            pipe.send(("error", traceback.format_exc()))
    finally:
        connection.close()
        pipe.close()


if __name__ == "__main__":
    import django

    django.setup()
    writer_process(Connection(int(sys.argv[1])))
