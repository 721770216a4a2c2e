"""The review app's routes, one module per screen or kind of action; each ``router`` is included by
``review.app.create_review_app``, and each route takes the app's ``WebContext`` as ``web: Web``."""
