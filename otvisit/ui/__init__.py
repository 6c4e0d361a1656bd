"""The desktop app's Qt widgets.

The domain (SQLAlchemy and the models) is imported here, before any Qt module can be. Once
PySide6 is loaded, its ``__feature__`` import hook reads the source of every module imported
after it to see whether it uses PySide6; for the few hundred modules of SQLAlchemy and the
models that was about a tenth of the app's cold start (benchmarks/bench_ui.py).
"""

import otvisit.models.store
import otvisit.profile
import otvisit.services.caseload
import otvisit.services.disruption
import otvisit.services.today  # noqa: F401  (the five imports: before Qt)
