"""/v1/sites/{site}/lexicon: a site's pronunciation lexicon (written form -> spoken form).
(A site's default engine and voice are fields of the site: PUT /v1/sites/{site}.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from loa import articles
from loa.clock import as_utc
from loa.contracts import is_site_name
from loa.storage.models import SiteLexicon
from loa.text.lexicon import validate_lexicon
from service.deps import SessionDep, SettingsDep, WriterDep, require_site_write
from service.errors import ApiError
from service.openapi import WRITE_ERRORS, responses
from service.queue import enqueue_all
from service.schemas import SITE_NAME_PATTERN, LexiconPublic, LexiconUpdate

router = APIRouter(prefix="/v1/sites", tags=["sites"])

#: Documented with its pattern; checked by ``_check_site`` (422 naming the field ``site``).
SitePath = Annotated[
    str,
    Path(
        description="A site name: 1-100 of a-z 0-9 . _ -, starting with a letter or digit.",
        json_schema_extra={"pattern": SITE_NAME_PATTERN, "minLength": 1, "maxLength": 100},
    ),
]

LEXICON_LINKS: dict[str, Any] = {
    "GetLexicon": {"operationId": "get_site_lexicon", "parameters": {"site": "$request.path.site"}}
}


def _check_site(site: str) -> str:
    if not is_site_name(site):
        raise ApiError(
            422,
            "invalid_input",
            "site must be 1-100 of a-z 0-9 . _ - and start with a letter or digit",
            field="site",
        )
    return site


@router.get(
    "/{site}/lexicon",
    response_model=LexiconPublic,
    operation_id="get_site_lexicon",
    responses=responses(422),
)
def get_lexicon(site: SitePath, session: SessionDep) -> LexiconPublic:
    row = session.get(SiteLexicon, _check_site(site))
    if row is None:
        return LexiconPublic(site=site, entries={}, updated_at=None)
    return LexiconPublic(site=site, entries=row.entries, updated_at=as_utc(row.updated_at))


@router.put(
    "/{site}/lexicon",
    response_model=LexiconPublic,
    operation_id="put_site_lexicon",
    responses={
        200: {"description": "The lexicon as stored (cleaned).", "links": LEXICON_LINKS},
        **responses(*WRITE_ERRORS),
    },
)
def put_lexicon(
    site: SitePath,
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
