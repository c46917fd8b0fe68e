"""The Workspace built after the first paint: the store is opened at start (no pydantic, no
domain); the Workspace, which loads the domain models, the engine and the clinic's policy, is
built on first use, by whichever thread asks first (the others wait for it)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from tplan.store.errors import StoreError

if TYPE_CHECKING:
    from tplan.services.clock import Clock
    from tplan.services.workspace import Workspace
    from tplan.store.protocol import PatientStore


class DeferredWorkspace:
    """A store opened now and the Workspace on it, built once by ``build`` when first asked."""

    def __init__(
        self,
        store: PatientStore,
        clock: Clock,
        build: Callable[[], Workspace],
        *,
        clinician: str = "",
    ) -> None:
        self.store = store
        self.clock = clock
        self.clinician = clinician
        self._build = build
        self._lock = threading.Lock()
        self._workspace: Workspace | None = None
        self._failure: Exception | None = None

    @classmethod
    def ready(cls, workspace: Workspace) -> DeferredWorkspace:
        """A workspace built already (the tests, the demo): nothing left to defer."""
        made = cls(workspace.repo, workspace.clock, lambda: workspace,
                   clinician=workspace.clinician)
        made._workspace = workspace
        return made

    @property
    def built(self) -> bool:
        return self._workspace is not None

    def get(self) -> Workspace:
        """The workspace; the first call builds it. A failure is kept and raised again to every
        later caller, without building again (a bad policy file stays bad)."""
        workspace = self._workspace
        if workspace is not None:
            return workspace
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._workspace is None:
                try:
                    self._workspace = self._build()
                except Exception as exc:
                    self._failure = exc
                    raise
            return self._workspace


def opening_refused(exc: BaseException) -> bool:
    """An error opening the records or building the workspace that is the user's to fix, with
    a message safe to print (no record content): the store's, the system's, a bad policy file.

    PolicyError's module is looked up only if it was loaded: otherwise it was not raised."""
    policy = sys.modules.get("tplan.clinical.policy")
    kinds: tuple[type[BaseException], ...] = (StoreError, OSError)
    if policy is not None:
        kinds = (*kinds, policy.PolicyError)
    return isinstance(exc, kinds)
