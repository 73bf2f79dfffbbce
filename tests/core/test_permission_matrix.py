"""Every URL of the project × every role → the expected answer.

The list of URLs comes from the URL configuration itself (`get_resolver()`), not from this file:
a URL added without a line in `MATRIX` fails `test_every_url_has_an_entry`, and a line whose
URL is gone fails too. Each URL is then requested by the eight roles of the issue, on one world
where every object exists, and the answer is compared with the matrix.

Answers, one letter per role in `ROLES` order:

- ``O`` ok: 2xx, or a redirect elsewhere than the login page or the admin home page;
- ``L`` sent to a login page (Wagtail's admin login, or the site's login);
- ``D`` denied: 403, or Wagtail's "no permission" redirect to the admin home page;
- ``N`` not found: 404 (an object outside the user's campaigns is invisible, not forbidden);
- ``M`` method not allowed (405);
- ``E`` server error (500): only Wagtail's deliberate error-page test view answers that.

URLs that only accept POST are in `POSTED`: each role sends them an empty POST, inside a
savepoint rolled back at once, so a permitted action changes nothing for the next role.

Roles: anonymous; ``visitor`` logged in without admin access (a school, university or company
staff member with an account); ``outsider`` manager of an organisation foreign to the campaign;
``member``, ``evaluator`` (evaluator of a partner organisation) and ``manager`` of the campaign;
``editor`` Wagtail's Editors group (CMS content) without any membership; ``superuser``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupApprovalTask, Locale, Workflow
from wagtail.models import Site as WagtailSite

from livinglab.campaigns.models import Action as CampaignAction
from livinglab.campaigns.models import (
    BudgetLine,
    CampaignPartner,
    CodesignSession,
    Contribution,
    Decision,
    Membership,
    Organisation,
    Site,
    UserValidation,
)
from livinglab.cms.models import AgeGroup, Testimony
from livinglab.demo.accounts import (
    CAMPAIGN_MANAGERS_GROUP,
    EDITORS_GROUP,
    EVALUATORS_GROUP,
    ensure_role_groups,
)
from livinglab.evaluation.models import (
    CodeMatch,
    Indicator,
    PendingSubmission,
    PooledEvidence,
    QuestionnaireSettings,
)
from livinglab.evaluation.pooled.services import pooled_evidence_compute_all
from livinglab.evaluation.runs import services
from tests.builders import simulate_campaign
from tests.cms.factories import build_site

ROLES = (
    "anonymous", "visitor", "outsider", "member", "evaluator", "manager", "editor", "superuser",
)  # fmt: skip

# URL name (or route, for unnamed URLs) → answers in ROLES order.
MATRIX: dict[str, str] = {
    # Health, Wagtail admin core (any admin user; CMS rights for pages)
    "healthz": "OOOOOOOO",
    "wagtailadmin_home": "LLOOOOOO",
    "admin/test404/": "LLOOOOOO",
    "wagtailadmin_api:pages:listing": "LLOOOOOO",
    "wagtailadmin_api:pages:detail": "LLNNNNOO",
    "wagtailadmin_api:pages:find": "LLNNNNNN",
    "wagtailadmin_api:pages:action": "LLNNNNNN",
    "wagtailadmin_api:documents:listing": "LLOOOOOO",
    "wagtailadmin_api:documents:detail": "LLOOOOOO",
    "wagtailadmin_api:documents:find": "LLNNNNNN",
    "wagtailadmin_api:images:listing": "LLOOOOOO",
    "wagtailadmin_api:images:detail": "LLOOOOOO",
    "wagtailadmin_api:images:find": "LLNNNNNN",
    "wagtailadmin_error_test": "LLEEEEEE",  # Wagtail's deliberate error page test
    "wagtailadmin_explore_root": "LLDDDDOO",
    "wagtailadmin_explore": "LLDDDDOO",
    "wagtailadmin_explore_results": "LLDDDDOO",
    "wagtail_bulk_action": "LLNNNNNN",
    "wagtailadmin_pages:add": "LLDDDDOO",
    "wagtailadmin_pages:preview_on_add": "LLDDDDOO",
    "wagtailadmin_pages:type_use": "LLDDDDOO",
    "wagtailadmin_pages:choose_parent": "LLNNNNNN",
    "wagtailadmin_pages:type_use_results": "LLDDDDOO",
    "wagtailadmin_pages:usage": "LLDDDDOO",
    "wagtailadmin_pages:edit": "LLDDDDOO",
    "wagtailadmin_pages:preview_on_edit": "LLDDDDOO",
    "wagtailadmin_pages:view_draft": "LLDDDDOO",
    "wagtailadmin_pages:add_subpage": "LLDDDDOO",
    "wagtailadmin_pages:delete": "LLDDDDDO",
    "wagtailadmin_pages:unpublish": "LLDDDDOO",
    "wagtailadmin_pages:convert_alias": "LLNNNNNN",
    "wagtailadmin_pages:search": "LLDDDDOO",
    "wagtailadmin_pages:search_results": "LLDDDDOO",
    "wagtailadmin_pages:move": "LLDDDDOO",
    "wagtailadmin_pages:move_confirm": "LLOOOOOO",
    "wagtailadmin_pages:set_page_position": "LLDDDDOO",
    "wagtailadmin_pages:copy": "LLDDDDOO",
    "wagtailadmin_pages:workflow_action": "LLNNNNNN",
    "wagtailadmin_pages:collect_workflow_action_data": "LLNNNNNN",
    "wagtailadmin_pages:confirm_workflow_cancellation": "LLOOOOOO",
    "wagtailadmin_pages:workflow_preview": "LLDDDDDD",
    "wagtailadmin_pages:set_privacy": "LLDDDDOO",
    "wagtailadmin_pages:lock": "LLDDDDDO",
    "wagtailadmin_pages:unlock": "LLDDDDDO",
    "wagtailadmin_pages:revisions_index": "LLOOOOOO",
    "wagtailadmin_pages:revisions_view": "LLDDDDOO",
    "wagtailadmin_pages:revisions_revert": "LLDDDDOO",
    "wagtailadmin_pages:revisions_unschedule": "LLDDDDOO",
    "wagtailadmin_pages:revisions_compare": "LLDDDDOO",
    "wagtailadmin_pages:workflow_history": "LLDDDDOO",
    "wagtailadmin_pages:workflow_history_detail": "LLDDDDNN",
    "wagtailadmin_pages:history": "LLDDDDOO",
    "wagtailadmin_pages:history_results": "LLDDDDOO",
    "wagtailadmin_choose_page": "LLOOOOOO",
    "wagtailadmin_choose_page_child": "LLOOOOOO",
    "wagtailadmin_choose_page_search": "LLOOOOOO",
    "wagtailadmin_choose_page_chosen_multiple": "LLOOOOOO",
    "wagtailadmin_choose_page_external_link": "LLOOOOOO",
    "wagtailadmin_choose_page_email_link": "LLOOOOOO",
    "wagtailadmin_choose_page_phone_link": "LLOOOOOO",
    "wagtailadmin_choose_page_anchor_link": "LLOOOOOO",
    "wagtailadmin_tag_autocomplete": "LLOOOOOO",
    "wagtailadmin_tag_model_autocomplete": "LLNNNNNN",
    "wagtailadmin_collections:index": "LLDDDDDO",
    "wagtailadmin_collections:add": "LLDDDDDO",
    "wagtailadmin_collections:edit": "LLDDDDDO",
    "wagtailadmin_collections:delete": "LLNNNNNO",
    "wagtailadmin_collections:set_privacy": "LLDDDDDO",
    "wagtailadmin_workflows:index": "LLDDDDDO",
    "wagtailadmin_workflows:index_results": "LLDDDDDO",
    "wagtailadmin_workflows:add": "LLDDDDDO",
    "wagtailadmin_workflows:enable": "LLDDDDDO",
    "wagtailadmin_workflows:disable": "LLDDDDDO",
    "wagtailadmin_workflows:edit": "LLDDDDDO",
    "wagtailadmin_workflows:usage": "LLDDDDDO",
    "wagtailadmin_workflows:usage_results": "LLDDDDDO",
    "wagtailadmin_workflows:remove": "LLDDDDDO",
    "wagtailadmin_workflows:add_task": "LLNNNNNN",
    "wagtailadmin_workflows:select_task_type": "LLDDDDDO",
    "wagtailadmin_workflows:task_index": "LLDDDDDO",
    "wagtailadmin_workflows:task_index_results": "LLDDDDDO",
    "wagtailadmin_workflows:edit_task": "LLDDDDDO",
    "wagtailadmin_workflows:disable_task": "LLDDDDDO",
    "wagtailadmin_workflows:enable_task": "LLDDDDDO",
    "wagtailadmin_workflows:task_chooser": "LLOOOOOO",
    "wagtailadmin_workflows:task_chooser_results": "LLOOOOOO",
    "wagtailadmin_workflows:task_chooser_create": "LLOOOOOO",
    "wagtailadmin_workflows:task_chosen": "LLOOOOOO",
    "wagtailadmin_reports:locked_pages": "LLDDDDDO",
    "wagtailadmin_reports:locked_pages_results": "LLDDDDDO",
    "wagtailadmin_reports:workflow": "LLDDDDOO",
    "wagtailadmin_reports:workflow_results": "LLDDDDOO",
    "wagtailadmin_reports:workflow_tasks": "LLDDDDOO",
    "wagtailadmin_reports:workflow_tasks_results": "LLDDDDOO",
    "wagtailadmin_reports:site_history": "LLOOOOOO",
    "wagtailadmin_reports:site_history_results": "LLOOOOOO",
    "wagtailadmin_reports:aging_pages": "LLDDDDOO",
    "wagtailadmin_reports:aging_pages_results": "LLDDDDOO",
    "wagtailadmin_reports:page_types_usage": "LLDDDDOO",
    "wagtailadmin_reports:page_types_usage_results": "LLDDDDOO",
    "wagtailadmin_account": "LLOOOOOO",
    "wagtailadmin_logout": "LLLLLLLL",
    "wagtailadmin_dismissibles": "LLOOOOOO",
    "wagtailadmin_editing_sessions:ping": "LLNNNNOO",
    "wagtailadmin_editing_sessions:release": "LLOOOOOO",
    "wagtailadmin_block_preview": "LLNNNNNN",
    # Campaign transfers, evaluation runs and measurement (object rights from memberships)
    "campaigns_transfers:import": "LLDDDODO",
    "campaigns_transfers:export": "LLDDDODO",
    "campaigns_transfers:template": "LLDDDODO",  # CSV template of an import
    "evaluation_runs_admin:index": "LLOOOOOO",
    "evaluation_runs_admin:campaign": "LLNDOONO",
    "evaluation_runs_admin:start": "LLNDOONO",
    "evaluation_runs_admin:detail": "LLNDOONO",
    "evaluation_runs_admin:publish": "LLNDDONO",
    "evaluation_runs_admin:withdraw": "LLNDDONO",  # confirmation page; empty POST changes nothing
    "evaluation_sample_size:index": "LLOOOOOO",
    "evaluation_pooled_admin:index": "LLOOOOOO",  # pooled evidence: published aggregates only
    "evaluation_admin:index": "LLOOOOOO",
    "evaluation_admin:measurement": "LLNOOONO",
    "evaluation_admin:upload": "LLNDDONO",
    "evaluation_admin:upload_template": "LLNDDONO",
    "evaluation_admin:definition": "LLNDDONO",  # survey tools: questionnaire, mapping, draft
    "evaluation_admin:mapping": "LLNDDONO",
    "evaluation_admin:protocol_draft": "LLNDDONO",
    "evaluation_protocols:build": "LLNDDONO",  # protocol builder: the campaign's managers
    "evaluation_protocols:indicator": "LLNDDONO",
    "evaluation_protocols:lock": "LLNDDONO",  # the confirmation page (GET) and the lock (POST)
    "evaluation_admin:match": "LLNDDONO",
    "evaluation_admin:duplicate": "LLNDDONO",
    "evaluation_admin:questionnaire_settings": "LLNDDONO",
    "evaluation_admin:wave_key": "LLNDDONO",
    "evaluation_admin:wave_qrcode": "LLNDDONO",  # the invitation link carries the wave's key
    # Wagtail contrib apps (forms, redirects, settings, translation, embeds, snippets)
    "wagtailforms:index": "LLDDDDOO",
    "wagtailforms:index_results": "LLDDDDOO",
    "wagtailforms:list_submissions": "LLNNNNNN",
    "wagtailforms:list_submissions_results": "LLNNNNNN",
    "wagtailforms:delete_submissions": "LLDDDDDD",
    # Promoted search results: editors manage them (issue #16)
    "wagtailsearchpromotions:index": "LLDDDDOO",
    "wagtailsearchpromotions:index_results": "LLDDDDOO",
    "wagtailsearchpromotions:add": "LLDDDDOO",
    "wagtailsearchpromotions:edit": "LLDDDDOO",
    "wagtailsearchpromotions:delete": "LLDDDDOO",
    "wagtailsearchpromotions:chooser": "LLOOOOOO",  # Wagtail's: query strings, any admin user
    "wagtailsearchpromotions:chooserresults": "LLOOOOOO",
    "wagtailsearchpromotions:search_terms": "LLDDDDDO",  # Wagtail's report: superusers only
    "wagtailsearchpromotions:search_terms_results": "LLDDDDDO",
    "wagtailredirects:index": "LLDDDDDO",
    "wagtailredirects:index_results": "LLDDDDDO",
    "wagtailredirects:add": "LLDDDDDO",
    "wagtailredirects:edit": "LLDDDDDO",
    "wagtailredirects:delete": "LLDDDDDO",
    "wagtailredirects:start_import": "LLDDDDDO",
    "wagtailredirects:process_import": "LLDDDDDM",
    "wagtailsettings:edit": "LLNNNNNN",
    "wagtailsettings:preview_on_edit": "LLNNNNNN",
    "simple_translation:submit_page_translation": "LLDDDDOO",
    "simple_translation:submit_snippet_translation": "LLDDDDNN",
    "wagtailembeds:chooser": "LLOOOOOO",
    "wagtailembeds:chooser_upload": "LLOOOOOO",
    "wagtailsnippets:index": "LLDDDDDD",
    # Documents and images (CMS editors)
    "wagtaildocs:index": "LLDDDDOO",
    "wagtaildocs:index_results": "LLDDDDOO",
    "wagtaildocs:add": "LLDDDDOO",
    "wagtaildocs:edit": "LLDDDDOO",
    "wagtaildocs:delete": "LLDDDDOO",
    "wagtaildocs:add_multiple": "LLDDDDOO",
    "wagtaildocs:edit_multiple": "LLDDDDOO",
    "wagtaildocs:create_multiple_from_uploaded_document": "LLNNNNNN",
    "wagtaildocs:delete_multiple": "LLDDDDOO",
    "wagtaildocs:delete_upload_multiple": "LLNNNNNN",
    "wagtaildocs:document_usage": "LLDDDDOO",
    "wagtailimages:index": "LLDDDDOO",
    "wagtailimages:index_results": "LLDDDDOO",
    "wagtailimages:edit": "LLDDDDOO",
    "wagtailimages:delete": "LLDDDDOO",
    "wagtailimages:url_generator": "LLDDDDNN",
    "wagtailimages:url_generator_output": "LLDDDDNN",
    "wagtailimages:preview": "LLDDDDOO",
    "wagtailimages:add": "LLDDDDOO",
    "wagtailimages:image_usage": "LLDDDDOO",
    "wagtailimages:add_multiple": "LLDDDDOO",
    "wagtailimages:edit_multiple": "LLDDDDOO",
    "wagtailimages:create_multiple_from_uploaded_image": "LLNNNNNN",
    "wagtailimages:delete_multiple": "LLDDDDOO",
    "wagtailimages:delete_upload_multiple": "LLNNNNNN",
    # CMS snippets: testimonies are moderated by editors; age groups are a superuser vocabulary
    "wagtailsnippets_cms_testimony:list": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:list_results": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:add": "LLDDDDDO",
    "wagtailsnippets_cms_testimony:edit": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:delete": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:usage": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:history": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:history_results": "LLDDDDOO",
    "wagtailsnippets_cms_testimony:copy": "LLDDDDDO",
    "wagtailsnippetchoosers_cms_testimony:choose": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_testimony:choose_results": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_testimony:chosen": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_testimony:chosen_multiple": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_testimony:create": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:list": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:list_results": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:add": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:edit": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:delete": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:usage": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:history": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:history_results": "LLDDDDDO",
    "wagtailsnippets_cms_agegroup:copy": "LLDDDDDO",
    "wagtailsnippetchoosers_cms_agegroup:choose": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_agegroup:choose_results": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_agegroup:chosen": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_agegroup:chosen_multiple": "LLOOOOOO",
    "wagtailsnippetchoosers_cms_agegroup:create": "LLDDDDDO",
    # Campaigns and co-design records: 404 outside the user's campaigns; sites and organisations
    # are a shared directory every campaign user reads
    "campaigns_campaign:index": "LLOOOODO",
    "campaigns_campaign:index_results": "LLOOOODO",
    "campaigns_campaign:add": "LLODDODO",
    "campaigns_campaign:edit": "LLNDDODO",
    "campaigns_campaign:delete": "LLNDDONO",
    "campaigns_campaign:history": "LLNOOONO",
    "campaigns_campaign:history_results": "LLNOOONO",
    "campaigns_campaign:usage": "LLNDDONO",
    "campaigns_campaign:inspect": "LLNOOONO",
    "campaigns_campaign:transition": "LLNDDONO",
    "campaigns_campaign:action_done": "LLNDDONO",  # mark an action done (from the dashboard)
    "campaigns_partner:index": "LLOOOODO",
    "campaigns_partner:index_results": "LLOOOODO",
    "campaigns_partner:add": "LLODDODO",
    "campaigns_partner:edit": "LLNDDODO",
    "campaigns_partner:delete": "LLNDDONO",
    "campaigns_partner:history": "LLNOOONO",
    "campaigns_partner:history_results": "LLNOOONO",
    "campaigns_partner:usage": "LLNDDONO",
    "campaigns_partner:inspect": "LLNOOONO",
    "campaigns_session:index": "LLOOOODO",
    "campaigns_session:index_results": "LLOOOODO",
    "campaigns_session:add": "LLOODODO",
    "campaigns_session:edit": "LLNODODO",
    "campaigns_session:delete": "LLNDDONO",
    "campaigns_session:history": "LLNOOONO",
    "campaigns_session:history_results": "LLNOOONO",
    "campaigns_session:usage": "LLNODONO",
    "campaigns_session:inspect": "LLNOOONO",
    "campaigns_contribution:index": "LLOOOODO",
    "campaigns_contribution:index_results": "LLOOOODO",
    "campaigns_contribution:add": "LLOODODO",
    "campaigns_contribution:edit": "LLNODODO",
    "campaigns_contribution:delete": "LLNDDONO",
    "campaigns_contribution:history": "LLNOOONO",
    "campaigns_contribution:history_results": "LLNOOONO",
    "campaigns_contribution:usage": "LLNODONO",
    "campaigns_contribution:inspect": "LLNOOONO",
    "campaigns_decision:index": "LLOOOODO",
    "campaigns_decision:index_results": "LLOOOODO",
    "campaigns_decision:add": "LLOODODO",
    "campaigns_decision:edit": "LLNODODO",
    "campaigns_decision:delete": "LLNDDONO",
    "campaigns_decision:history": "LLNOOONO",
    "campaigns_decision:history_results": "LLNOOONO",
    "campaigns_decision:usage": "LLNODONO",
    "campaigns_decision:inspect": "LLNOOONO",
    "campaigns_validation:index": "LLOOOODO",
    "campaigns_validation:index_results": "LLOOOODO",
    "campaigns_validation:add": "LLOODODO",
    "campaigns_validation:edit": "LLNODODO",
    "campaigns_validation:delete": "LLNDDONO",
    "campaigns_validation:history": "LLNOOONO",
    "campaigns_validation:history_results": "LLNOOONO",
    "campaigns_validation:usage": "LLNODONO",
    "campaigns_validation:inspect": "LLNOOONO",
    "campaigns_action:index": "LLOOOODO",
    "campaigns_action:index_results": "LLOOOODO",
    "campaigns_action:add": "LLODDODO",
    "campaigns_action:edit": "LLNDDODO",
    "campaigns_action:delete": "LLNDDONO",
    "campaigns_action:history": "LLNOOONO",
    "campaigns_action:history_results": "LLNOOONO",
    "campaigns_action:usage": "LLNDDONO",
    "campaigns_action:inspect": "LLNOOONO",
    "campaigns_budgetline:index": "LLOOOODO",
    "campaigns_budgetline:index_results": "LLOOOODO",
    "campaigns_budgetline:add": "LLODDODO",
    "campaigns_budgetline:edit": "LLNDDODO",
    "campaigns_budgetline:delete": "LLNDDONO",
    "campaigns_budgetline:history": "LLNOOONO",
    "campaigns_budgetline:history_results": "LLNOOONO",
    "campaigns_budgetline:usage": "LLNDDONO",
    "campaigns_budgetline:inspect": "LLNOOONO",
    "campaigns_participant:index": "LLODDODO",  # rows: the campaign's managers only
    "campaigns_participant:index_results": "LLODDODO",
    "campaigns_participant:add": "LLODDODO",
    "campaigns_participant:edit": "LLNDDODO",
    "campaigns_participant:delete": "LLNNNONO",
    "campaigns_participant:history": "LLNNNONO",
    "campaigns_participant:history_results": "LLNNNONO",
    "campaigns_participant:usage": "LLNNNONO",
    "campaigns_participant:inspect": "LLNNNONO",
    "campaigns_site:index": "LLOOOODO",
    "campaigns_site:index_results": "LLOOOODO",
    "campaigns_site:add": "LLODDODO",
    "campaigns_site:edit": "LLDDDODO",  # sites: their owner's managers edit
    "campaigns_site:delete": "LLDDDONO",
    "campaigns_site:history": "LLOOOONO",
    "campaigns_site:history_results": "LLOOOONO",
    "campaigns_site:usage": "LLDDDONO",
    "campaigns_site:inspect": "LLOOOONO",
    "campaigns_organisation:index": "LLOOOODO",
    "campaigns_organisation:index_results": "LLOOOODO",
    "campaigns_organisation:add": "LLODDODO",
    "campaigns_organisation:edit": "LLDDDODO",
    "campaigns_organisation:delete": "LLDDDDNO",
    "campaigns_organisation:history": "LLOOOONO",
    "campaigns_organisation:history_results": "LLOOOONO",
    "campaigns_organisation:usage": "LLDDDONO",
    "campaigns_organisation:inspect": "LLOOOONO",
    "campaigns_membership:index": "LLOOOODO",
    "campaigns_membership:index_results": "LLOOOODO",
    "campaigns_membership:add": "LLODDODO",
    "campaigns_membership:edit": "LLNDDODO",
    "campaigns_membership:delete": "LLNDNONO",
    "campaigns_membership:history": "LLNONONO",
    "campaigns_membership:history_results": "LLNONONO",
    "campaigns_membership:usage": "LLNDNONO",
    "campaigns_membership:inspect": "LLNONONO",
    # Indicator catalogue: read by every admin user, edited by superusers
    "indicators:index": "LLOOOOOO",
    "indicators:index_results": "LLOOOOOO",
    "indicators:add": "LLDDDDDO",
    "indicators:edit": "LLDDDDDO",
    "indicators:delete": "LLDDDDDO",
    "indicators:history": "LLDDDDDO",
    "indicators:history_results": "LLDDDDDO",
    "indicators:usage": "LLDDDDDO",
    "indicators:inspect": "LLOOOOOO",
    "indicators:copy": "LLDDDDDO",
    # Locales, sites, users and groups: superusers only
    "wagtaillocales:index": "LLDDDDDO",
    "wagtaillocales:index_results": "LLDDDDDO",
    "wagtaillocales:add": "LLDDDDDO",
    "wagtaillocales:edit": "LLDDDDDO",
    "wagtaillocales:delete": "LLDDDDDO",
    "wagtaillocales:history": "LLDDDDDO",
    "wagtaillocales:history_results": "LLDDDDDO",
    "wagtaillocales:usage": "LLDDDDDO",
    "wagtailsites:index": "LLDDDDDO",
    "wagtailsites:index_results": "LLDDDDDO",
    "wagtailsites:add": "LLDDDDDO",
    "wagtailsites:edit": "LLDDDDDO",
    "wagtailsites:delete": "LLDDDDDO",
    "wagtailsites:history": "LLDDDDDO",
    "wagtailsites:history_results": "LLDDDDDO",
    "wagtailsites:usage": "LLDDDDDO",
    "wagtailsites:copy": "LLDDDDDO",
    "wagtailusers_users:index": "LLDDDDDO",
    "wagtailusers_users:index_results": "LLDDDDDO",
    "wagtailusers_users:add": "LLDDDDDO",
    "wagtailusers_users:edit": "LLDDDDDO",
    "wagtailusers_users:delete": "LLDDDDDO",
    "wagtailusers_users:history": "LLDDDDDO",
    "wagtailusers_users:history_results": "LLDDDDDO",
    "wagtailusers_users:usage": "LLDDDDDO",
    "wagtailusers_users:copy": "LLDDDDDO",
    "wagtailusers_groups:index": "LLDDDDDO",
    "wagtailusers_groups:index_results": "LLDDDDDO",
    "wagtailusers_groups:add": "LLDDDDDO",
    "wagtailusers_groups:edit": "LLDDDDDO",
    "wagtailusers_groups:delete": "LLDDDDDO",
    "wagtailusers_groups:history": "LLDDDDDO",
    "wagtailusers_groups:history_results": "LLDDDDDO",
    "wagtailusers_groups:usage": "LLDDDDDO",
    # Choosers (modal lists of public CMS media)
    "wagtaildocs_chooser:choose": "LLOOOOOO",
    "wagtaildocs_chooser:choose_results": "LLOOOOOO",
    "wagtaildocs_chooser:chosen": "LLDDDDOO",
    "wagtaildocs_chooser:chosen_multiple": "LLOOOOOO",
    "wagtaildocs_chooser:create": "LLDDDDOO",
    "wagtailimages_chooser:choose": "LLOOOOOO",
    "wagtailimages_chooser:choose_results": "LLOOOOOO",
    "wagtailimages_chooser:chosen": "LLDDDDOO",
    "wagtailimages_chooser:chosen_multiple": "LLOOOOOO",
    "wagtailimages_chooser:create": "LLDDDDOO",
    "wagtailimages_chooser:select_format": "LLDDDDOO",
    # Admin login and assets; a logged-in admin user asking for the login page goes to the
    # dashboard ("D" by the rule above, harmless)
    "wagtailadmin_sprite": "OOOOOOOO",
    "wagtailadmin_login": "OODDDDDD",
    "wagtailadmin_password_reset": "OOOOOOOO",
    "wagtailadmin_password_reset_done": "OOOOOOOO",
    "wagtailadmin_password_reset_confirm": "OOOOOOOO",
    "wagtailadmin_password_reset_complete": "OOOOOOOO",
    "wagtailadmin_javascript_catalog": "OOOOOOOO",
    "admin/^.*/$": "LLNNNNNN",
    # Public site: documents, language switch, API, published results, questionnaires, pages
    "wagtaildocs_serve": "OOOOOOOO",
    "wagtaildocs_authenticate_with_password": "NNNNNNNN",
    "set_language": "OOOOOOOO",
    "cms-campaign-results": "OOOOOOOO",
    "wagtailapi:pages:listing": "OOOOOOOO",
    "wagtailapi:pages:detail": "OOOOOOOO",
    "wagtailapi:pages:find": "NNNNNNNN",
    "wagtailapi:images:listing": "OOOOOOOO",
    "wagtailapi:images:detail": "OOOOOOOO",
    "wagtailapi:images:find": "NNNNNNNN",
    "wagtailapi:documents:listing": "OOOOOOOO",
    "wagtailapi:documents:detail": "OOOOOOOO",
    "wagtailapi:documents:find": "NNNNNNNN",
    # Evaluation downloads: evaluators and managers of the campaign only
    "evaluation_runs:progress": "LNNDOONO",
    "evaluation_runs:download": "LNNDOONO",
    "evaluation_runs:chart": "LNNDOONO",
    "evaluation_runs:public_chart": "OOOOOOOO",
    "evaluation_pooled:forest_plot": "OOOOOOOO",
    "evaluation_runs:public_report": "OOOOOOOO",
    "evaluation_runs:report": "LNNDOONO",  # the HTML report: same rights as the downloads
    "evaluation_runs:public_report_page": "OOOOOOOO",
    "evaluation_runs:public_datapackage": "OOOOOOOO",  # open data of the published run
    "questionnaire:answer": "OOOOOOOO",
    "questionnaire:answer_comparison": "OOOOOOOO",
    "cms-search": "OOOOOOOO",
    "wagtailcore_authenticate_with_password": "NNNNNNNN",
    "wagtailcore_login": "OOOOOOOO",
    "wagtail_serve": "OOOOOOOO",
}

# URLs that only accept POST: requested with an empty POST (inside a rolled-back savepoint).
POSTED: set[str] = {
    "wagtailadmin_api:pages:action",
    "wagtailadmin_pages:set_page_position",
    "wagtailadmin_pages:lock",
    "wagtailadmin_pages:unlock",
    "wagtailadmin_workflows:enable",
    "wagtailadmin_workflows:remove",
    "wagtailadmin_workflows:enable_task",
    "wagtailadmin_logout",
    "wagtailadmin_editing_sessions:ping",
    "wagtailadmin_editing_sessions:release",
    "evaluation_runs_admin:start",
    "evaluation_runs_admin:publish",
    "evaluation_runs_admin:withdraw",
    "evaluation_admin:match",
    "evaluation_admin:duplicate",
    "evaluation_admin:questionnaire_settings",
    "evaluation_admin:wave_key",
    "wagtaildocs:edit_multiple",
    "wagtaildocs:create_multiple_from_uploaded_document",
    "wagtaildocs:delete_multiple",
    "wagtaildocs:delete_upload_multiple",
    "wagtailimages:edit_multiple",
    "wagtailimages:create_multiple_from_uploaded_image",
    "wagtailimages:delete_multiple",
    "wagtailimages:delete_upload_multiple",
    "campaigns_campaign:transition",
}


@dataclass(frozen=True)
class Endpoint:
    key: str  # URL name with namespaces, or the route of an unnamed URL
    route: str
    params: tuple[str, ...]


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            yield name or route, route, tuple(a or b for a, b in params)


def endpoints() -> list[Endpoint]:
    """Every URL pattern of the project, once per name (a name may serve several routes)."""
    seen: dict[str, Endpoint] = {}
    for key, route, params in _walk(get_resolver().url_patterns):
        seen.setdefault(key, Endpoint(key, route, params))
    return list(seen.values())


# ---------------------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def private_storages(tmp_path_factory):
    """STORAGES with the private storage (the run's files) in a folder of this module."""
    from django.conf import settings as django_settings

    location = tmp_path_factory.mktemp("private")
    private = {**django_settings.STORAGES["private"], "OPTIONS": {"location": location}}
    return {**django_settings.STORAGES, "private": private}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root, private_storages):
    """The world's images, documents and run files live as long as the module's world."""
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = private_storages


@pytest.fixture(scope="module")
def world(media_root, private_storages, django_db_setup, django_db_blocker):
    """One campaign with every kind of object, CMS pages, and one account per role."""
    with (
        override_settings(MEDIA_ROOT=media_root, STORAGES=private_storages),
        django_db_blocker.unblock(),
    ):
        with transaction.atomic():
            yield _build_world()
            transaction.set_rollback(True)


def _build_world():
    ensure_role_groups()
    user_model = get_user_model()
    site = build_site(topics=1)
    campaign = simulate_campaign(slug="matrice", n_per_group=12, subgroups=(), sites=2)
    lead = campaign.lead_organisation
    Site.objects.filter(participants__campaign=campaign).update(owner=lead)  # the lead's sites
    partner = Organisation.objects.create(name="Mutuelle partenaire", kind="insurer")
    CampaignPartner.objects.create(campaign=campaign, organisation=partner, role="evaluator")
    other = Organisation.objects.create(name="Association ailleurs", kind="association")

    def account(name, *, organisation=None, role=None, groups=(), **extra):
        user = user_model.objects.create_user(name, password="x", **extra)
        user.groups.set(Group.objects.filter(name__in=groups))
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    users = {
        "anonymous": None,
        "visitor": account("visitor"),
        "outsider": account("outsider", organisation=other, role="manager",
                            groups=[CAMPAIGN_MANAGERS_GROUP]),
        "member": account("member", organisation=lead, role="member",
                          groups=[CAMPAIGN_MANAGERS_GROUP]),
        "evaluator": account("evaluator", organisation=partner, role="evaluator",
                             groups=[EVALUATORS_GROUP]),
        "manager": account("manager", organisation=lead, role="manager",
                           groups=[CAMPAIGN_MANAGERS_GROUP]),
        "editor": account("editor", groups=[EDITORS_GROUP]),
        "superuser": account("root", is_superuser=True, is_staff=True),
    }  # fmt: skip

    run = services.evaluation_run_start(campaign=campaign, enqueue=False)
    run = services.evaluation_run_execute(run_id=run.pk)
    campaign.status = campaign.Status.EVALUATION  # results are published from evaluation on
    campaign.save(update_fields=["status"])
    services.evaluation_run_publish(run=run, user=users["manager"])
    pooled_evidence_compute_all()  # what the worker does after the publication
    QuestionnaireSettings.objects.create(campaign=campaign, is_open=True)
    campaign.status = campaign.Status.RUNNING  # online questionnaires open only while running
    campaign.save(update_fields=["status"])
    participants = list(campaign.participants.order_by("code")[:2])
    wave = campaign.waves.get(code="baseline")
    pending = PendingSubmission.objects.create(
        campaign=campaign, wave=wave, participant=participants[0], reason="imported", values={}
    )
    match = CodeMatch.objects.create(
        campaign=campaign,
        unmatched=participants[0],
        unmatched_code=participants[0].code,
        candidate=participants[1],
    )
    session = CodesignSession.objects.create(
        campaign=campaign, date=datetime.date(2026, 1, 12), format="workshop", agenda="Besoins"
    )
    collection = Collection.get_first_root_node().add_child(name="Kits")
    workflow = Workflow.objects.create(name="Relecture")
    task = GroupApprovalTask.objects.create(name="Relecture éditoriale")
    objects = {
        "campaigns_campaign": campaign,
        "campaigns_partner": campaign.partnerships.first(),
        "campaigns_session": session,
        "campaigns_contribution": Contribution.objects.create(
            campaign=campaign, session=session, organisation=lead, kind="need", text="Dormir"
        ),
        "campaigns_decision": Decision.objects.create(campaign=campaign, text="Un défi"),
        "campaigns_validation": UserValidation.objects.create(
            campaign=campaign, organisation=lead, validated_on=datetime.date(2026, 1, 15)
        ),
        "campaigns_action": CampaignAction.objects.create(
            campaign=campaign,
            title="Atelier",
            action_type="workshop",
            setting="school",
            start_date=datetime.date(2026, 3, 2),
        ),  # fmt: skip
        "campaigns_budgetline": BudgetLine.objects.create(
            campaign=campaign, label="Affiches", category="materials", amount=120
        ),
        "campaigns_participant": participants[0],
        "campaigns_site": participants[0].site,
        "campaigns_organisation": lead,
        "campaigns_membership": Membership.objects.get(user=users["manager"]),
        "indicators": Indicator.objects.order_by("pk").first(),
        "wagtailsnippets_cms_testimony": Testimony.objects.order_by("pk").first(),
        "wagtailsnippets_cms_agegroup": AgeGroup.objects.create(code="college", name="Collégiens"),
        "wagtailusers_users": users["member"],
        "wagtailusers_groups": Group.objects.get(name=EDITORS_GROUP),
        "wagtailsites": WagtailSite.objects.get(is_default_site=True),
        "wagtaillocales": Locale.get_default(),
        "wagtailadmin_collections": collection,
        "wagtailadmin_workflows": workflow,
        "wagtailadmin_workflows_tasks": task,
        "wagtailredirects": Redirect.objects.create(old_path="/ancien", redirect_link="/"),
        "wagtailsearchpromotions": SearchPromotion.objects.create(
            query=Query.get("tabagisme"), page=site.topics[0]
        ).query,
        "wagtailimages": get_image_model().objects.order_by("pk").first(),
        "wagtaildocs": get_document_model().objects.order_by("pk").first(),
    }
    return {
        "campaign": campaign,
        "run": run,
        "match": match,
        "wave": wave,
        "pending": pending,
        "site": site,
        "users": users,
        "objects": objects,
        "collection": collection,
        "workflow": workflow,
        "task": task,
    }


# ----------------------------------------------------------------------- arguments of a URL

PAGE_PARAMS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}


def url_kwargs(endpoint: Endpoint, world) -> dict:
    """Values for the URL's parameters: objects of the world the URL is about."""
    namespace = endpoint.key.rsplit(":", 1)[0] if ":" in endpoint.key else ""
    objects, site = world["objects"], world["site"]
    topic = site.topics[0]
    values = {}
    for param in endpoint.params:
        if param == "pk" and namespace.startswith("wagtailsnippetchoosers_"):
            model = namespace.replace("wagtailsnippetchoosers_", "wagtailsnippets_")
            values[param] = objects[model].pk
        elif param == "pk" and "api" in namespace:
            values[param] = _api_object(namespace, world).pk
        elif param == "pk" and namespace in ("wagtailimages_chooser", "wagtaildocs_chooser"):
            values[param] = objects[namespace.replace("_chooser", "")].pk
        elif param == "pk" and namespace == "wagtailadmin_pages":  # revisions compare
            values[param] = topic.pk
        elif param == "pk" and namespace in ("simple_translation", "wagtailsettings"):
            values[param] = objects["wagtailsnippets_cms_testimony"].pk
        elif param == "pk":
            values[param] = objects[namespace].pk
        elif param == "parent_page_id" and endpoint.key.startswith("wagtailadmin_pages:"):
            values[param] = site.settings["workplace"].pk  # where topic pages may be added
        elif param in PAGE_PARAMS:
            values[param] = topic.pk
        elif param in {"revision_id", "revision_id_a"}:
            values[param] = topic.latest_revision_id
        elif param == "revision_id_b":
            values[param] = "live"
        else:
            values[param] = _named_value(param, endpoint, world)
    return values


def _api_object(namespace: str, world):
    if namespace.endswith("pages"):
        return world["site"].topics[0]
    return world["objects"]["wagtailimages" if namespace.endswith("images") else "wagtaildocs"]


def _named_value(param: str, endpoint: Endpoint, world):
    objects, campaign, run = world["objects"], world["campaign"], world["run"]
    if param == "evidence_id":  # the published run's indicators (one campaign: not pooled)
        return PooledEvidence.objects.order_by("pk").first().pk
    chart = run.artifacts["charts"][0]["name"]
    known = {
        "campaign_id": campaign.pk,
        "campaign_slug": campaign.slug,
        "slug": campaign.slug,
        "run_id": run.pk,
        "action_pk": objects["campaigns_action"].pk,
        "match_id": world["match"].pk,
        "wave_id": world["wave"].pk,
        "pending_id": world["pending"].pk,
        "protocol_id": campaign.protocols.order_by("-version").first().pk,
        "wave_code": "baseline",
        "kind": "participants",
        "name": chart,
        "file_format": "svg" if "chart" in endpoint.key or "forest" in endpoint.key else "csv",
        "image_id": objects["wagtailimages"].pk,
        "document_id": objects["wagtaildocs"].pk,
        "doc_id": objects["wagtaildocs"].pk,
        "collection_id": world["collection"].pk,
        "redirect_id": objects["wagtailredirects"].pk,
        "query_id": objects["wagtailsearchpromotions"].pk,
        "destination_id": world["site"].home.pk,
        "workflow_pk": world["workflow"].pk,
        "task_id": world["task"].pk,
        "content_type_app_name": "cms",
        "content_type_model_name": "topicpage",
        "app_label": "cms",
        "app_name": "cms",
        "model_name": "testimony",
        "action": "delete",
        "action_name": "approve",
        "object_id": objects["wagtailsnippets_cms_testimony"].pk,
        "session_id": 1,
        # No such task state (publishing results starts one for the campaign page): 404.
        "task_state_id": 999_999,
        "workflow_state_id": 1,
        "uploaded_file_id": 1,
        "restriction_id": 1,
        "page_view_restriction_id": 1,
        "filter_spec": "original",
        "uidb64": "MQ",
        "token": "token-invalide",
    }
    if param not in known:
        raise AssertionError(f"{endpoint.key}: no value for the URL parameter {param!r}")
    return known[param]


# Unnamed or catch-all URLs: the path requested for them.
EXPLICIT_PATHS = {
    "admin/test404/": "/admin/test404/",
    "admin/^.*/$": "/admin/nulle-part/",
    "wagtail_serve": None,  # the site's pages: see `_explicit`
    "wagtaildocs_serve": None,
}


def _explicit(endpoint: Endpoint, world) -> str | None:
    if endpoint.key == "wagtail_serve":
        return world["site"].topics[0].url
    if endpoint.key == "wagtaildocs_serve":
        document = world["objects"]["wagtaildocs"]
        return reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    return EXPLICIT_PATHS.get(endpoint.key)


def url_of(endpoint: Endpoint, world) -> str:
    explicit = _explicit(endpoint, world)
    if explicit:
        return explicit
    return reverse(endpoint.key, kwargs=url_kwargs(endpoint, world))


# ---------------------------------------------------------------------------- the answers

LOGIN_PATHS = ("/admin/login/", "/_util/login/")


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = response.headers["Location"].split("?")[0]
        if target.endswith(LOGIN_PATHS):
            return "L"
        if target.rstrip("/").endswith("/admin") and response.wsgi_request.path != "/admin/":
            return "D"  # Wagtail's permission_denied: back to the dashboard with a message
        return "O"
    if status == 403:
        return "D"
    if status == 404:
        return "N"
    if status == 405:
        return "M"
    if status == 500:
        return "E"
    if 200 <= status < 300:
        return "O"
    raise AssertionError(f"unexpected status {status}")


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def inline_scripts(response) -> list[str]:
    """Executable inline scripts or event-handler attributes in an HTML answer (CSP forbids)."""
    if "text/html" not in response.get("Content-Type", "") or response.streaming:
        return []
    html = response.content.decode("utf-8", "replace")
    return INLINE_SCRIPT.findall(html) + INLINE_HANDLER.findall(html)


def answers(client, endpoint: Endpoint, world) -> str:
    """What each role gets on this URL, as one letter per role."""
    url = url_of(endpoint, world)
    letters = []
    client.raise_request_exception = False  # a 500 is an answer ("E"), compared like the others
    for role in ROLES:
        cache.clear()  # anonymous page cache and rate-limit counters
        client.logout()
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            if endpoint.key in POSTED:
                response = client.post(url, {})
            else:
                response = client.get(url)
            transaction.set_rollback(True)
        letters.append(outcome(response))
        scripts = inline_scripts(response)
        assert not scripts, f"{endpoint.key} as {role}: inline scripts {scripts[:3]}"
    return "".join(letters)


ENDPOINTS = endpoints()


def test_every_url_has_an_entry():
    keys = {endpoint.key for endpoint in ENDPOINTS}
    missing = sorted(keys - MATRIX.keys())
    stale = sorted(MATRIX.keys() - keys)
    assert not missing, "URLs without an entry in the permission matrix:\n" + "\n".join(missing)
    assert not stale, "Matrix entries without a URL:\n" + "\n".join(stale)
    assert POSTED <= keys


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.key)
def test_answers_match_the_matrix(client, world, endpoint):
    expected = MATRIX.get(endpoint.key)
    got = answers(client, endpoint, world)
    assert got == expected, (
        f"{endpoint.key} ({url_of(endpoint, world)}): expected {expected}, got {got} "
        f"for {', '.join(ROLES)}"
    )


def test_the_audit_log_has_no_editing_view():
    """Log entries are shown (history, site history) but no admin URL edits or deletes them."""
    from django.views.generic.edit import ProcessFormView
    from wagtail.admin.views.generic.history import HistoryView
    from wagtail.admin.views.reports.audit_logging import LogEntriesView
    from wagtail.models import BaseLogEntry

    def callbacks(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from callbacks(pattern.url_patterns)
            else:
                yield pattern.callback

    views = {
        getattr(callback, "view_class", None) for callback in callbacks(get_resolver().url_patterns)
    }
    views.discard(None)
    for view_class in views:
        model = getattr(view_class, "model", None)
        if isinstance(model, type) and issubclass(model, BaseLogEntry):
            assert not issubclass(view_class, ProcessFormView), view_class
    # Where the log is read: the site history and each object's history, both read-only lists.
    readers = [view for view in views if issubclass(view, (LogEntriesView, HistoryView))]
    assert readers and not any(issubclass(view, ProcessFormView) for view in readers)
