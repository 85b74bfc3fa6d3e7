"""/v1/sites/{site}/lexicon: a site's pronunciation lexicon (written form -> spoken form)."""

from __future__ import annotations

from fastapi import APIRouter

from loa import articles
from loa.clock import as_utc
from loa.contracts import is_site_name
from loa.storage.models import SiteLexicon
from loa.text.lexicon import validate_lexicon
from service.deps import SessionDep, SettingsDep, WriterDep, require_site_write
from service.errors import ApiError
from service.queue import enqueue_all
from service.schemas import LexiconPublic, LexiconUpdate

router = APIRouter(prefix="/v1/sites", tags=["sites"])


def _check_site(site: str) -> str:
    if not is_site_name(site):
        raise ApiError(
            422,
            "invalid_input",
            "site must be 1-100 of a-z 0-9 . _ - and start with a letter or digit",
            field="site",
        )
    return site


@router.get("/{site}/lexicon", response_model=LexiconPublic)
def get_lexicon(site: str, session: SessionDep) -> LexiconPublic:
    row = session.get(SiteLexicon, _check_site(site))
    if row is None:
        return LexiconPublic(site=site, entries={}, updated_at=None)
    return LexiconPublic(site=site, entries=row.entries, updated_at=as_utc(row.updated_at))


@router.put("/{site}/lexicon", response_model=LexiconPublic)
def put_lexicon(
    site: str,
    body: LexiconUpdate,
    session: SessionDep,
    settings: SettingsDep,
    principal: WriterDep,
) -> LexiconPublic:
    """Replace the lexicon. The site's articles are made again; only segments whose spoken
    text changed are synthesized anew (segment audio is cached by its spoken text)."""
    require_site_write(principal, _check_site(site))
    entries = validate_lexicon(body.entries)
    row = session.get(SiteLexicon, site)
    if row is None:
        row = SiteLexicon(site=site, entries=entries)
        session.add(row)
    elif row.entries == entries:
        return LexiconPublic(
            site=site, entries=row.entries, updated_at=as_utc(row.updated_at), requeued=0
        )
    else:
        row.entries = entries
    session.commit()
    work = articles.requeue_site(session, site)
    enqueue_all(settings, work)
    return LexiconPublic(
        site=site, entries=row.entries, updated_at=as_utc(row.updated_at), requeued=len(work)
    )
