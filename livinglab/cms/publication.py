"""Publishing a run's results reaches the public site: the campaign's page, as a draft that the
editors' moderation workflow approves.

`results_published` (sent by `evaluation.runs.services.evaluation_run_publish`) calls
`on_results_published`: the campaign's `CampaignPage` is created under the campaigns index (or a
new revision of the existing one is saved) and submitted to the workflow the page gets from its
ancestors (Wagtail workflows: `page.get_workflow()`); an editor approves, which publishes it.
The page's address comes from the campaign's slug, ASCII only (never `/pause-%C3%A9crans/`).

`results_withdrawn` calls `on_results_withdrawn`: nothing to publish. The page reads the
published results live, so it already shows the previous published run (or none); but a review
still pending since that run's publication asked editors to approve results that are no longer
public, so it is cancelled (Wagtail's `WorkflowState.cancel`, logged in the page's history).
A page already online stays online, without those results.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, Locale, Workflow, WorkflowPage, WorkflowTask

from livinglab.cms.models import CampaignIndexPage, CampaignPage
from livinglab.cms.permissions import EDITORS_GROUP

logger = logging.getLogger(__name__)

EDITORS_WORKFLOW = _("Validation par les éditeurs")
EDITORS_TASK = _("Relecture par un éditeur")


def ascii_slug(text: str, fallback: str) -> str:
    """An address part in ASCII letters, digits and hyphens (accents dropped), or `fallback`."""
    return slugify(text, allow_unicode=False)[:80].strip("-") or fallback


def _free_slug(parent, wanted: str, page=None) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… when a sibling already uses it."""
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.values_list("slug", flat=True))
    slug, n = wanted, 1
    while slug in taken:
        n += 1
        slug = f"{wanted}-{n}"
    return slug


def campaigns_index(locale=None) -> CampaignIndexPage | None:
    if locale is None:
        try:
            locale = Locale.get_default()
        except Locale.DoesNotExist:  # no locale at all: no CMS to publish into
            return None
    return CampaignIndexPage.objects.filter(locale=locale).order_by("path").first()


@transaction.atomic
def submit_campaign_page(*, campaign, user=None) -> CampaignPage | None:
    """Create or update `campaign`'s public page as a draft revision and submit it to the
    editors' moderation workflow. None when the site has no campaigns index to put it under."""
    index = campaigns_index()
    if index is None:
        logger.warning("No campaigns index page: no public page for campaign %s", campaign.pk)
        return None
    page = CampaignPage.objects.filter(campaign=campaign, locale=index.locale).first()
    if page is None:
        slug = _free_slug(index, ascii_slug(campaign.slug, f"campagne-{campaign.pk}"))
        page = CampaignPage(
            title=campaign.title, slug=slug, campaign=campaign, live=False, locale=index.locale
        )
        index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is None:
        logger.info("No moderation workflow for %s: the draft waits for an editor", page)
    elif not page.workflow_in_progress:
        workflow.start(page, user)
    return page


def on_results_published(*, run, user=None, **_signal_kwargs) -> None:
    """Receiver of `results_published`."""
    submit_campaign_page(campaign=run.campaign, user=user)


def ensure_editors_workflow(page) -> Workflow:
    """A one-step workflow (the Editors group approves) assigned to `page` and what is under it
    (the demo gives it to the campaigns index); idempotent."""
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    # Named in the site's language whatever the request's (an English admin session must find
    # the same workflow, not create a second one named in English).
    with translation.override(settings.LANGUAGE_CODE):
        workflow_name, task_name = str(EDITORS_WORKFLOW), str(EDITORS_TASK)
    workflow, _created = Workflow.objects.get_or_create(name=workflow_name)
    task = GroupApprovalTask.objects.filter(name=task_name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=task_name)
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def cancel_pending_review(*, campaign, since, user=None) -> bool:
    """Cancel the moderation of `campaign`'s page when it was requested at or after `since`
    (the withdrawn run's publication). True when one was cancelled."""
    for page in CampaignPage.objects.filter(campaign=campaign):
        state = page.current_workflow_state
        if state is not None and state.created_at >= since:
            state.cancel(user=user)
            return True
    return False


def on_results_withdrawn(*, run, user=None, published_at=None, **_signal_kwargs) -> None:
    """Receiver of `results_withdrawn`."""
    if published_at is not None:
        cancel_pending_review(campaign=run.campaign, since=published_at, user=user)
