"""Pages for filing and reading event reports. Thin: rules live in schemas and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from openpso import flows
from openpso.organizations.queries import get_reporting_provider_for_user, home_unit_of, reporting_providers_for
from openpso.organizations.timezones import activate_zone_of
from openpso.reporting import actions, drafts, queries, suggestions
from openpso.reporting.channel import views as channel_views
from openpso.reporting.errors import ReportInvalid, field_errors
from openpso.reporting.forms import ReportForm, files_anonymously
from openpso.reporting.schemas import FieldError, ReportIn

# Names this channel in a PSA_AFFILIATED disclosure's conditions (actions.record_read).
READ_VIA_PAGE = "reporting.detail"
ANONYMOUS_NOT_SAVED = "Anonymous: nothing is saved until you send, and no draft is kept under your name."


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = queries.reports_for(request.user).defer("narrative", "category_other", "location_detail")
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "reporting/report_list.html", {"page": page})


@login_required
def report_detail(request: HttpRequest, report_id: str) -> HttpResponse:
    report = queries.get_report_for_user(request.user, report_id)
    activate_zone_of(report.provider)
    purpose = actions.record_read(user=request.user, report=report, via=READ_VIA_PAGE)
    # The person who filed it reads words; codes are for the safety team and oversight.
    codes = purpose != "reporter.follow_up"
    return render(request, "reporting/report_detail.html", {"report": report, "show_codes": codes})


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    providers = reporting_providers_for(request.user)
    slug = request.GET.get("provider")
    if slug:
        provider = get_reporting_provider_for_user(request.user, slug)
    elif len(first_two := list(providers[:2])) == 1:
        provider = first_two[0]
    elif first_two:
        return render(request, "reporting/choose_provider.html", {"providers": providers})
    else:
        raise Http404("You do not report for any provider")

    activate_zone_of(provider)  # the reporter types and reads the provider's local time
    if request.method == "POST" and files_anonymously(request.POST):
        # "Report anonymously" ticked: the filing is the anonymous page's own, nothing more
        # (invariant 2, docs/decisions/0007). The draft kept under this person's name goes
        # first; then the anonymous channel's view files it: no user, no session saved, times
        # to the hour, a receipt code to follow it up.
        drafts.discard_draft(user=request.user, provider=provider)
        return channel_views.anonymous_new(request, provider=provider.slug)
    draft = drafts.draft_for(user=request.user, provider=provider) if request.method == "GET" else None
    # The home unit is only the blank form's default: a posted form has its own unit.
    home_unit = home_unit_of(request.user, provider) if request.method != "POST" else None
    errors: list[FieldError] = []
    if request.method == "POST":
        # Filing builds only the modules the posted categories call for; the page shown
        # again on an error is built below with every module, as on GET.
        filing = ReportForm(request.POST, provider=provider, posted_modules_only=True)
        if filing.is_valid():
            try:
                data = ReportIn.model_validate(filing.report_data(provider))
                # The provider is one this person reports for and the form's unit field took
                # only its active units: file_report need not look them up again.
                checked = (provider, filing.cleaned_data.get("unit"))
                report, created = actions.file_report(
                    user=request.user,
                    data=data,
                    checked=checked,
                    discard_draft=True,
                    suggestion=suggestions.shown_from_post(request.POST),
                )
                if created:
                    flows.report_filed(report.pk)
            except ValidationError as exc:
                errors = field_errors(exc)
            except ReportInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, f"Thank you. Report {report.short_id} was received by the safety team.")
                return redirect("reporting:report-detail", report_id=report.pk)
    form = ReportForm(
        request.POST or None,
        provider=provider,
        home_unit=home_unit,
        initial=drafts.as_initial(draft, ReportForm.base_fields) if draft else None,
    )
    if form.is_bound and form.is_valid():
        form.add_field_errors(errors)
    form.suggest_from_narrative(reverse("reporting:suggest", kwargs={"provider": provider.slug}))
    # A page shown again with errors keeps the suggestion it had (its hidden inputs are sent at filing).
    shown = suggestions.shown_from_post(request.POST) if request.method == "POST" else None
    context = {"form": form, "provider": provider, "draft": draft, "shown": shown}
    return render(request, "reporting/report_form.html", context)


@login_required
@require_POST
def draft_save(request: HttpRequest, provider: str) -> HttpResponse:
    """Called by the form's script as the reporter types; answers with a short status line."""
    organization = get_reporting_provider_for_user(request.user, provider)
    if files_anonymously(request.POST):
        # Nothing of a report meant to be anonymous is kept under a name, not even unfinished.
        drafts.discard_draft(user=request.user, provider=organization)
        return HttpResponse(ANONYMOUS_NOT_SAVED, content_type="text/plain")
    draft = drafts.save_draft(user=request.user, provider=organization, post=request.POST)
    saved = timezone.localtime(draft.updated_at, activate_zone_of(organization)).strftime("%H:%M")
    return HttpResponse(f"Draft saved at {saved}", content_type="text/plain")


@login_required
@require_POST
def report_suggest(request: HttpRequest, provider: str) -> HttpResponse:
    """Called by the form as the reporter writes "What happened?": the suggested codes, as a panel.

    POST, so the narrative never sits in a URL (server logs, history). Nothing is kept or logged:
    the text is read, the model answers, the panel goes back. The provider is one this person
    reports for (404 otherwise); the suggestion itself reads no organisation's data. A report
    meant to be anonymous asks for none (the page script does not send; the server answers
    nothing either), so nothing of it passes under the reporter's name.
    """
    get_reporting_provider_for_user(request.user, provider)
    shown = None
    if not files_anonymously(request.POST):
        shown = suggestions.suggest(str(request.POST.get("narrative", "")))
    return render(request, "reporting/_suggestions.html", {"shown": shown})


@login_required
@require_POST
def draft_discard(request: HttpRequest, provider: str) -> HttpResponse:
    organization = get_reporting_provider_for_user(request.user, provider)
    drafts.discard_draft(user=request.user, provider=organization)
    messages.info(request, "The unfinished report was discarded.")
    return redirect(f"{reverse('reporting:report-new')}?provider={organization.slug}")
