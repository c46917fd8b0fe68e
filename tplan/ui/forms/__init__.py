"""Every modal form and dialog of tplan. Each form is a ``ModalScreen`` built as
``Form(workspace, patient_id, ...)`` that saves through the workspace in a thread worker and
dismisses with the updated Patient (None when cancelled); ``dirty`` says whether typed text
would be lost."""

from typing import TYPE_CHECKING

from tplan.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from tplan.ui.forms.base import FieldReader, FormInvalid, FormScreen
    from tplan.ui.forms.confirm import ConfirmDialog
    from tplan.ui.forms.decision_panel import DecisionPanel
    from tplan.ui.forms.episode_forms import AdmitForm, DischargeForm, LevelForm, ReviewForm
    from tplan.ui.forms.export_form import ExportForm
    from tplan.ui.forms.fields import FieldRow
    from tplan.ui.forms.medication_forms import MedicationForm, NaloxoneForm
    from tplan.ui.forms.note_form import NoteForm
    from tplan.ui.forms.note_view import AddendumForm, NoteView
    from tplan.ui.forms.plan_forms import GoalForm, InterventionForm, ObjectiveForm, ProblemForm
    from tplan.ui.forms.profile_forms import GroupForm, RiskForm, SnapForm, SupportForm
    from tplan.ui.forms.status_choice import StatusChoice
    from tplan.ui.forms.written_forms import AftercareForm, RelapsePlanForm

_MODULES = {
    "AddendumForm": "note_view",
    "AdmitForm": "episode_forms",
    "AftercareForm": "written_forms",
    "ConfirmDialog": "confirm",
    "DecisionPanel": "decision_panel",
    "DischargeForm": "episode_forms",
    "ExportForm": "export_form",
    "FieldReader": "base",
    "FieldRow": "fields",
    "FormInvalid": "base",
    "FormScreen": "base",
    "GoalForm": "plan_forms",
    "GroupForm": "profile_forms",
    "InterventionForm": "plan_forms",
    "LevelForm": "episode_forms",
    "MedicationForm": "medication_forms",
    "NaloxoneForm": "medication_forms",
    "NoteForm": "note_form",
    "NoteView": "note_view",
    "ObjectiveForm": "plan_forms",
    "ProblemForm": "plan_forms",
    "RelapsePlanForm": "written_forms",
    "ReviewForm": "episode_forms",
    "RiskForm": "profile_forms",
    "SnapForm": "profile_forms",
    "StatusChoice": "status_choice",
    "SupportForm": "profile_forms",
}
"""Which module holds each form: a form's module (and what it needs, e.g. the exporters for
the export form) is imported when the form is first asked for, so that opening the note form
does not wait for every other form's imports."""


__getattr__, __dir__ = lazy_exports(
    __name__, {name: f"{__name__}.{module}" for name, module in _MODULES.items()}
)


__all__ = [
    "AddendumForm",
    "AdmitForm",
    "AftercareForm",
    "ConfirmDialog",
    "DecisionPanel",
    "DischargeForm",
    "ExportForm",
    "FieldReader",
    "FieldRow",
    "FormInvalid",
    "FormScreen",
    "GoalForm",
    "GroupForm",
    "InterventionForm",
    "LevelForm",
    "MedicationForm",
    "NaloxoneForm",
    "NoteForm",
    "NoteView",
    "ObjectiveForm",
    "ProblemForm",
    "RelapsePlanForm",
    "ReviewForm",
    "RiskForm",
    "SnapForm",
    "StatusChoice",
    "SupportForm",
]
