"""The schema as typed SQLAlchemy 2 models. ORM rows never leave data_access/."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEXT_MAX = 2000
COMMENTARY_MAX = 5000  # dashboard.markdown_text.COMMENTARY_MAX; migration 0007


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class AreaRow(Base):
    __tablename__ = "area"
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"), index=True)


class PopulationRow(Base):
    __tablename__ = "population"
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    population: Mapped[int]
    source: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")


class MeasureRow(Base):
    __tablename__ = "measure"
    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    unit: Mapped[str] = mapped_column(sa.String(32))
    polarity: Mapped[str] = mapped_column(sa.String(32))
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    decimals: Mapped[int | None]
    suppress_below: Mapped[int | None]
    design_effect: Mapped[float | None]


class PartnershipRow(Base):
    __tablename__ = "partnership"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"))
    # Month-days of its reporting points, space-separated ("09-30 03-31"); empty = every end date
    reporting_points: Mapped[str] = mapped_column(sa.String(100), default="")


class ComparatorRow(Base):
    __tablename__ = "partnership_comparator"
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class PriorityRow(Base):
    __tablename__ = "priority"
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))


class PartnershipMeasureRow(Base):
    __tablename__ = "partnership_measure"
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    measure_code: Mapped[str] = mapped_column(sa.ForeignKey("measure.code"), primary_key=True)
    priority: Mapped[int]
    public: Mapped[bool] = mapped_column(default=True)
    rule: Mapped[str] = mapped_column(sa.String(32))
    baseline_period: Mapped[str | None] = mapped_column(sa.String(32))
    tolerance: Mapped[float | None]
    target: Mapped[float | None]
    target_period: Mapped[str | None] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column(default=0)
    max_age_years: Mapped[int | None]
    area_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))


class PeriodRow(Base):
    __tablename__ = "period"
    __table_args__ = (sa.UniqueConstraint("start_date", "end_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(32), unique=True)
    start_date: Mapped[date]
    end_date: Mapped[date] = mapped_column(index=True)


class ResultRow(Base):
    __tablename__ = "result"
    __table_args__ = (
        sa.UniqueConstraint("measure_code", "area_code", "period_id"),
        sa.Index("ix_result_area_period", "area_code", "period_id"),
        sa.Index("ix_result_measure_area", "measure_code", "area_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_code: Mapped[str] = mapped_column(sa.ForeignKey("measure.code"))
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"))
    value: Mapped[float]
    numerator: Mapped[int | None] = mapped_column(sa.BigInteger)
    denominator: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    source: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    illustrative: Mapped[bool] = mapped_column(default=False)
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str] = mapped_column(sa.String(200))
    design_effect: Mapped[float | None]  # a weighted survey percentage's (#14); None = 1


class ResultRevisionRow(Base):
    """A result as it was before it was replaced or removed: results are never overwritten
    unrecorded, so any page can be read as it stood when a version was published."""

    __tablename__ = "result_revision"
    __table_args__ = (sa.Index("ix_result_revision_lookup", "measure_code", "area_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_code: Mapped[str] = mapped_column(sa.ForeignKey("measure.code"))
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"))
    value: Mapped[float]
    numerator: Mapped[int | None] = mapped_column(sa.BigInteger)
    denominator: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    source: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    illustrative: Mapped[bool] = mapped_column(default=False)
    loaded_at: Mapped[datetime]  # when this figure was loaded
    loaded_by: Mapped[str] = mapped_column(sa.String(200))
    replaced_at: Mapped[datetime]  # when it stopped being the current figure
    replaced_by: Mapped[str] = mapped_column(sa.String(200))
    removed: Mapped[bool] = mapped_column(default=False)  # True: deleted, not replaced
    design_effect: Mapped[float | None]


class PublicationRow(Base):
    """A reporting point published for a partnership (PRODUCT.md section 2): the per-point flag.
    It exists while the point has a version not withdrawn; `changed` says whether the live
    report differs from the latest version (kept so listing points needs no rebuild)."""

    __tablename__ = "publication"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"))
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(sa.String(200))
    latest_version: Mapped[int] = mapped_column(default=1)
    changed: Mapped[bool] = mapped_column(default=False)


class PublicationVersionRow(Base):
    """One frozen version of a published point: the members' and the public report, serialised."""

    __tablename__ = "publication_version"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "period_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"))
    version: Mapped[int]
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(sa.String(200))
    published_by_role: Mapped[str] = mapped_column(sa.String(16))
    reconstructed: Mapped[bool] = mapped_column(default=False)
    withdrawn: Mapped[bool] = mapped_column(default=False)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(sa.String(200))
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(TEXT_MAX))
    schema: Mapped[int]
    digest: Mapped[str] = mapped_column(sa.String(64))
    member_report: Mapped[str] = mapped_column(sa.Text)
    public_report: Mapped[str] = mapped_column(sa.Text)
    # The public report's `results` as the API sends them, rendered once at publication, and the
    # rendering's format number (dashboard.results_json.RESULTS_FORMAT): another number is
    # rendered again from public_report (init-db refreshes them after an upgrade)
    public_results: Mapped[str | None] = mapped_column(sa.Text)
    public_results_format: Mapped[int | None]


class OpenDataFileRow(Base):
    """The open data download, made once per publication or withdrawal and served as a file."""

    __tablename__ = "open_data_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    etag: Mapped[str] = mapped_column(sa.String(64))
    made_at: Mapped[datetime]
    rows_json: Mapped[str] = mapped_column(sa.Text)


class CommentaryRow(Base):
    """Commentary on a measure at a point, kept as history: rows are only added, the latest per
    measure and point is current, and one with empty text removes it (#13)."""

    __tablename__ = "commentary"
    __table_args__ = (sa.Index("ix_commentary_lookup", "partnership_id", "measure_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(sa.ForeignKey("partnership.id", ondelete="CASCADE"))
    measure_code: Mapped[str] = mapped_column(sa.ForeignKey("measure.code"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("period.id"))
    text: Mapped[str] = mapped_column(sa.String(COMMENTARY_MAX))  # Markdown; "" = removed
    author: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]


class ActionItemRow(Base):
    __tablename__ = "action_item"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    priority: Mapped[int]
    key: Mapped[str | None] = mapped_column(sa.String(64))  # stable: editors' updates keep it
    objective: Mapped[str] = mapped_column(sa.Text)
    update: Mapped[str] = mapped_column(sa.Text, default="")
    actions: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column(default=0)


class FundedProjectRow(Base):
    __tablename__ = "funded_project"
    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    priority: Mapped[int | None]
    theme: Mapped[str] = mapped_column(sa.String(200))
    project: Mapped[str] = mapped_column(sa.Text)
    amount_gbp: Mapped[float]
    outcomes: Mapped[str] = mapped_column(sa.Text, default="")
    period: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")


class UserRow(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime]
    # Part of every session's token: moving it on ends all the user's sessions (users.end_sessions)
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # A disabled user cannot sign in, and their sessions end (users.set_disabled)
    disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class MembershipRow(Base):
    __tablename__ = "membership"
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(300))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    # Manage's filters (#13): the kind of change (dashboard.model.ChangeKind) and the slug of
    # the partnership it belongs to, kept as text so the log outlives a partnership; None for
    # changes of no one partnership (users, areas and measures, an import of shared areas)
    kind: Mapped[str] = mapped_column(sa.String(16), index=True, default="", server_default="")
    partnership: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class PendingConfigRow(Base):
    """A configuration file an admin previewed in Manage, kept (readable by every worker) until
    they confirm it; kept a day at most (catalogue.PENDING_LIFETIME)."""

    __tablename__ = "pending_config"
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(sa.String(320))
    filename: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)


class DataVersionRow(Base):
    """One row whose counters writers move; cache keys include them.

    `version` moves on every write readers could see; `catalogue_version` only when the
    configuration (partnerships, measures, areas) changes, so results and publications do not
    make every worker reload the national catalogue.
    """

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    catalogue_version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class SignInThrottleRow(Base):
    """Failed sign-ins per key ("email:…" or "client:…"), shared by every worker (issue #6)."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class PendingUploadRow(Base):
    """A results file checked in Manage and not yet confirmed (#13): its bytes, kept so that any
    worker saves exactly the file that was previewed, and a digest of the changes shown."""

    __tablename__ = "pending_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    partnership_slug: Mapped[str] = mapped_column(sa.String(64))
    email: Mapped[str] = mapped_column(sa.String(320))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    changes_digest: Mapped[str] = mapped_column(sa.String(64))
    made_at: Mapped[datetime] = mapped_column(index=True)
