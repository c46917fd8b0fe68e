"""Every modal form and dialog of tplan. Each form is a ``ModalScreen`` built as
``Form(workspace, patient_id, ...)`` that saves through the workspace in a thread worker and
dismisses with the updated Patient (None when cancelled); ``dirty`` says whether typed text
would be lost."""

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
