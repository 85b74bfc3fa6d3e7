"""sites with publishing metadata and artwork, published flag, immutable audio files

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("published", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "sites",
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("artwork_address", sa.String(length=64), nullable=True),
        sa.Column("artwork_type", sa.String(length=20), nullable=True),
        sa.Column("artwork", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site"),
    )
    op.create_table(
        "audio_files",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("address"),
    )
    with op.batch_alter_table("audio_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audio_files_article_id"), ["article_id"])


def downgrade() -> None:
    with op.batch_alter_table("audio_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audio_files_article_id"))
    op.drop_table("audio_files")
    op.drop_table("sites")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("published")
