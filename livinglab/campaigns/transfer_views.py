"""Admin import (upload → dry-run preview → confirm) and export (CSV, XLSX) views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.utils import get_valid_next_url_from_request

from livinglab.campaigns import transfers
from livinglab.campaigns.forms import ImportUploadForm
from livinglab.campaigns.models import Campaign
from livinglab.campaigns.policies import POLICIES
from livinglab.core.tabular import FileRejected
from livinglab.core.uploads import ParkedUploads, read_upload

PARKED = ParkedUploads("livinglab_pending_imports")
TEMPLATE = "campaigns/transfer.html"


def _kind(code: str) -> transfers.TransferKind:
    if code not in transfers.KINDS:
        raise Http404
    return transfers.KINDS[code]


def _campaigns(request, kind, action: str):
    """Campaigns the user may import into / export from, or None for directory kinds."""
    if not kind.per_campaign:
        if not kind.allowed(request.user, action, None):
            raise PermissionDenied
        return None
    campaigns = POLICIES[kind.model].campaigns_for(request.user, [action])
    if not campaigns.exists():
        raise PermissionDenied
    return campaigns


def _chosen_campaign(request, campaigns, value) -> Campaign | None:
    if campaigns is None or not value:
        return None
    campaign = campaigns.filter(pk=value).first() if str(value).isdigit() else None
    if campaign is None:
        raise PermissionDenied
    return campaign


def _index_url(kind) -> str:
    return reverse(f"campaigns_{kind.model._meta.model_name}:index")


def _render(request, kind, direction, **context):
    title = _("Importer des %(kind)s") if direction == "import" else _("Exporter des %(kind)s")
    next_url = get_valid_next_url_from_request(request)
    context.update(
        kind=kind,
        direction=direction,
        page_title=title % {"kind": kind.label},
        header_icon="upload" if direction == "import" else "download",
        index_url=next_url or _index_url(kind),
        next_url=next_url,
        columns=kind.columns(),
        template_url=reverse("campaigns_transfers:template", args=[kind.code]),
    )
    return TemplateResponse(request, TEMPLATE, context)


def _preview(request, kind, form, campaign):
    upload = form.cleaned_data["file"]
    try:
        transfers.file_format_of(upload.name)
        content, table = read_upload(upload)
        report = transfers.records_import(
            kind=kind,
            dataset=transfers.dataset_of(table),
            user=request.user,
            campaign=campaign,
            dry_run=True,
        )
    except FileRejected as rejected:
        return _render(request, kind, "import", form=form, errors=[str(rejected)])
    except transfers.ImportRefused as refused:
        return _render(request, kind, "import", form=form, errors=refused.errors)
    token = ""
    if not report.errors:
        token = PARKED.park(
            request,
            content=content,
            filename=upload.name,
            kind=kind.code,
            campaign=campaign.pk if campaign else None,
        )
    return _render(request, kind, "import", report=report, errors=report.errors, token=token)


def _confirm(request, kind, campaigns, token):
    parked = PARKED.claim(request, token)
    if parked is None or parked.options["kind"] != kind.code:
        messages.error(request, _("Cet import a expiré : déposez le fichier à nouveau."))
        return redirect(request.path)
    campaign = _chosen_campaign(request, campaigns, parked.options["campaign"])
    try:
        dataset = transfers.read_dataset(content=parked.content, filename=parked.filename)
        report = transfers.records_import(
            kind=kind, dataset=dataset, user=request.user, campaign=campaign, dry_run=False
        )
    except transfers.ImportRefused as refused:
        return _render(request, kind, "import", form=ImportUploadForm(), errors=refused.errors)
    messages.success(
        request,
        _("%(rows)s lignes importées (%(new)s nouvelles, %(updated)s mises à jour).")
        % {"rows": report.rows, "new": report.new, "updated": report.updated},
    )
    return redirect(get_valid_next_url_from_request(request) or _index_url(kind))


@require_http_methods(["GET", "POST"])
def import_view(request, kind):
    kind = _kind(kind)
    campaigns = _campaigns(request, kind, "import")
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, kind, campaigns, request.POST["token"])
    initial = {"campaign": _chosen_campaign(request, campaigns, request.GET.get("campaign"))}
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        campaign = form.cleaned_data.get("campaign")
        return _preview(request, kind, form, campaign)
    return _render(request, kind, "import", form=form, campaigns=campaigns)


@require_http_methods(["GET"])
def export_view(request, kind):
    kind = _kind(kind)
    campaigns = _campaigns(request, kind, "export")
    file_format = request.GET.get("format")
    if file_format not in transfers.FORMATS or (
        campaigns is not None and "campaign" not in request.GET
    ):
        return _render(request, kind, "export", campaigns=campaigns)
    campaign = _chosen_campaign(request, campaigns, request.GET.get("campaign"))
    content, content_type, filename = transfers.records_export(
        kind=kind, user=request.user, file_format=file_format, campaign=campaign
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET"])
def template_view(request, kind):
    """A CSV to fill in: the expected headers and one example row."""
    kind = _kind(kind)
    _campaigns(request, kind, "import")
    response = HttpResponse(transfers.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modele-{kind.code}.csv"'
    return response


urlpatterns = [
    path("template/<str:kind>/", template_view, name="template"),
    path("import/<str:kind>/", import_view, name="import"),
    path("export/<str:kind>/", export_view, name="export"),
]
