"""Sites' API keys (admin keys only)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from loa import keys
from loa.clock import as_utc
from loa.storage.models import ApiKey
from service.deps import (
    AdminDep,
    SessionDep,
)
from service.errors import ApiError
from service.openapi import WRITE_ERRORS, responses
from service.routes.sites import SitePath, _check_site
from service.tenant_schemas import (
    KeyCreate,
    KeyCreated,
    KeyPublic,
)

router = APIRouter(tags=["keys"])


def key_public(row: ApiKey) -> KeyPublic:
    return KeyPublic(
        id=row.id,
        site=row.site,
        scope="read" if row.scope == "read" else "write",
        label=row.label,
        created_at=as_utc(row.created_at),
        expires_at=as_utc(row.expires_at),
        revoked_at=as_utc(row.revoked_at),
        active=keys.is_active(row),
    )


@router.post(
    "/v1/sites/{site}/keys",
    status_code=201,
    response_model=KeyCreated,
    operation_id="create_site_key",
    responses=responses(*WRITE_ERRORS),
)
def create_key(site: SitePath, body: KeyCreate, session: SessionDep, _: AdminDep) -> KeyCreated:
    """A new key for the site, shown this once (admin keys only)."""
    try:
        made = keys.create_key(
            session, _check_site(site), body.scope, expires_at=body.expires_at, label=body.label
        )
    except keys.KeyProblem as exc:
        raise ApiError(422, "invalid_input", str(exc), field="expires_at") from None
    return KeyCreated(**key_public(made.row).model_dump(), key=made.key)


@router.get(
    "/v1/sites/{site}/keys",
    response_model=list[KeyPublic],
    operation_id="list_site_keys",
    responses=responses(401, 403, 422),
)
def list_keys(site: SitePath, session: SessionDep, _: AdminDep) -> list[KeyPublic]:
    return [key_public(row) for row in keys.list_keys(session, _check_site(site))]


@router.delete(
    "/v1/keys/{key_id}",
    status_code=204,
    operation_id="revoke_key",
    responses={204: {"description": "Revoked (again: still revoked)."}, **responses(401, 403, 404)},
)
def revoke_key(key_id: str, session: SessionDep, _: AdminDep) -> Response:
    if keys.revoke_key(session, key_id) is None:
        raise ApiError(404, "not_found", f"no key with id {key_id[:64]}", field="key_id")
    return Response(status_code=204)
