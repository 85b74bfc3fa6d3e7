"""Publishing a site: podcast metadata, RSS feed, transcripts, HLS playlists, artwork.

Pure building blocks from plain data: nothing here touches the database, HTTP or Celery.
"""
