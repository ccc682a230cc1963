"""Knowledge articles: loading, validation, chunking, index build and search.

Import the submodules you need (``bot.knowledge.search`` etc.); this package module stays
light on purpose: importing it loads no model (torch).
"""

#: Where the articles live inside the knowledge folder.
ARTICLES_FOLDER = "articles"
