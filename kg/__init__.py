"""kg: a knowledge graph builder for counter-terrorism diplomacy news.

Articles in, a validated RDF graph out. The pipeline runs in stages, each a module of
small functions over plain dataclasses::

    ingest -> extract -> link -> mapping -> validate -> reason -> export

``kg.build.build`` runs them all; the ``kg`` command is a thin shell over it.
"""

__version__ = "0.1.0"
