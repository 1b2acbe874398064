import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minutes.settings")
application = get_wsgi_application()

# Each web process loads the Danish lexicon and lemma dictionary as it starts, not during its
# first search (about half a second), and uses the full dictionary: snippets analyse the words
# of every text they show, many of them new to the process.
from search.danish import warm_up  # noqa: E402 (needs the settings above)

warm_up(low_memory=False)
