"""online counters: upgrade pending, segments from cache, requests and retries per article;
the engine a post asked for, and a site's default engine and voice (columns of ``sites``)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("upgrade_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        for name in ("segments_cached", "online_requests", "online_retries"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("engine_choice", sa.String(length=30), nullable=True))
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engine", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("voice", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("voice")
        batch_op.drop_column("engine")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("engine_choice")
        for name in ("online_retries", "online_requests", "segments_cached", "upgrade_pending"):
            batch_op.drop_column(name)
