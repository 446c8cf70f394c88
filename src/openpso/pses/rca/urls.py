"""Routes of the RCA² pages, in the `pses` namespace."""

from django.urls import path

from openpso.pses.rca import views as rca_views

investigation = "events/<uuid:event_id>/investigation/"
urlpatterns = [
    path(investigation, rca_views.investigation, name="rca-investigation"),
    path(f"{investigation}start/", rca_views.start, name="rca-start"),
    path(f"{investigation}finish/", rca_views.finish, name="rca-finish"),
    path(f"{investigation}team/", rca_views.team_add, name="rca-team-add"),
    path(f"{investigation}team/remove/", rca_views.team_remove, name="rca-team-remove"),
    path(f"{investigation}facts/", rca_views.fact_add, name="rca-fact-add"),
    path(f"{investigation}statements/", rca_views.statement_add, name="rca-statement-add"),
    path(f"{investigation}root-causes/", rca_views.root_cause_add, name="rca-root-cause-add"),
    path(f"{investigation}factors/", rca_views.factors_set, name="rca-factors"),
    path(f"{investigation}remove/", rca_views.entry_remove, name="rca-entry-remove"),
    path("events/<uuid:event_id>/action-plan/", rca_views.action_plan, name="rca-action-plan"),
    path("events/<uuid:event_id>/action-plan/new/", rca_views.action_new, name="rca-action-new"),
    path("rca/actions/<uuid:action_id>/", rca_views.action_detail, name="rca-action"),
    path("rca/actions/<uuid:action_id>/review/", rca_views.action_review, name="rca-action-review"),
]
