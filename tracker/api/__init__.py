"""The REST API under ``/api/v1/`` (Django REST framework, drf-spectacular for the schema).

Writes go through ``tracker.services``, reads through the same scoping as the pages
(``tracker.api.scoping``); ``tracker/api/urls.py`` lists every resource."""
