"""What the server offers beside the pages: the public JSON feeds and badges, the
warm-up and /ready, and the static export of the public board."""
