"""The Celery app for the second worker of test_worker_kill.py: the project's app, but it takes back an
unacknowledged message after 5 seconds (production: two hours) and looks for one every second."""

from voroc.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
