"""What erasing a participant means here: their responses, online submissions (pending
duplicates included) and code matches."""

from django.db.models import Q, QuerySet

from livinglab.campaigns.models import Participant
from livinglab.evaluation.measurement.dataversion import data_changed
from livinglab.evaluation.measurement.models import (
    CodeMatch,
    PendingSubmission,
    Response,
    ResponseSet,
    Submission,
)


def participants_erase_answers(participants: QuerySet[Participant]) -> dict[str, int]:
    """Delete every answer of `participants`; registered with `campaigns.privacy`."""
    ids = list(participants.values_list("pk", flat=True))
    if not ids:
        return {"responses": 0, "submissions": 0, "pending_submissions": 0, "code_matches": 0}
    submitted_sets = list(
        Submission.objects.filter(participant__in=ids).values_list("response_set", flat=True)
    )
    campaigns = set(participants.values_list("campaign_id", flat=True))
    responses, _ = Response.objects.filter(participant__in=ids).delete()
    if responses:
        data_changed(*campaigns)
    submissions, _ = Submission.objects.filter(participant__in=ids).delete()
    pending, _ = PendingSubmission.objects.filter(participant__in=ids).delete()
    # An online submission's response set held only that participant's answers.
    ResponseSet.objects.filter(pk__in=submitted_sets, responses__isnull=True).delete()
    matches, _ = CodeMatch.objects.filter(Q(unmatched__in=ids) | Q(candidate__in=ids)).delete()
    return {
        "responses": responses,
        "submissions": submissions,
        "pending_submissions": pending,
        "code_matches": matches,
    }
