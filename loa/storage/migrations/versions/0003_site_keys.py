"""site keys, sites' integration settings (columns), webhook receipts, callback deliveries

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_api_keys_site", "api_keys", ["site"])
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_secret", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("callback_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("allowed_origins", sa.JSON(), nullable=True))
    op.create_table(
        "webhook_receipts",
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site", "delivery_id"),
    )
    op.create_table(
        "callback_deliveries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=True),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_callback_deliveries_site", "callback_deliveries", ["site"])
    op.create_index("ix_callback_deliveries_article_id", "callback_deliveries", ["article_id"])


def downgrade() -> None:
    op.drop_table("callback_deliveries")
    op.drop_table("webhook_receipts")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("allowed_origins")
        batch_op.drop_column("callback_url")
        batch_op.drop_column("webhook_secret")
    op.drop_table("api_keys")
