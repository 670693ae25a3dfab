"""Imported by the parser processes' fork server: load the language model and country tables once.

Worker processes fork from the server after this import, so they start with the tables in memory
instead of building them on their first message.
"""

from handlers.triage import warm_up

warm_up()
