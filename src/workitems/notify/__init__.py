"""Telling people: the outbox of events, signed webhooks, email and the in-app inbox.

Domain services call ``outbox.emit`` inside their own transaction, so an event exists
exactly when the change it describes was committed. Everything that leaves the process
(webhooks, email) is done later by the delivery worker (``delivery.py``), which fans each
event out to the endpoints and people that want it and retries what fails.
"""
