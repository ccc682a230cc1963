"""Knowledge articles: loading, validation, chunking, index build and search.

Import the submodules you need (``bot.knowledge.search`` etc.); this package module stays
light on purpose: importing it loads neither torch nor faiss.
"""

#: Where the articles live inside the knowledge folder.
ARTICLES_FOLDER = "articles"
