"""Routes of the safety events' pages (the queue, an event, its clocks, the clock rules, the
notifications), in the `pses` namespace."""

from django.urls import path

from openpso.pses.safety_events import queue_views, views

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", queue_views.queue_bulk, name="queue-bulk"),
    path("queue/duplicates/link/", queue_views.duplicate_link, name="queue-duplicate-link"),
    path("queue/filters/save/", queue_views.saved_filter_save, name="saved-filter-save"),
    path("queue/filters/delete/", queue_views.saved_filter_delete, name="saved-filter-delete"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<uuid:event_id>/", views.event_detail, name="event-detail"),
    path("events/<uuid:event_id>/link/", views.event_link, name="event-link"),
    path("events/<uuid:event_id>/clocks/", queue_views.event_clock_outcomes, name="event-clocks"),
    path("events/<uuid:event_id>/link/search/", queue_views.event_link_search, name="event-link-search"),
    path("events/<uuid:event_id>/unlink/", views.event_unlink, name="event-unlink"),
    path("events/<uuid:event_id>/assign/", views.event_assign, name="event-assign"),
    path("events/<uuid:event_id>/status/", views.event_status, name="event-status"),
    path("events/<uuid:event_id>/addenda/", views.event_addendum, name="event-addendum"),
    path("events/<uuid:event_id>/correction/", views.event_correction, name="event-correction"),
    path("events/<uuid:event_id>/what-changed/", views.event_what_changed, name="event-what-changed"),
    path("clocks/", views.clock_rules, name="clock-rules"),
    path("clocks/<int:rule_id>/", views.clock_rule_edit, name="clock-rule-edit"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]
