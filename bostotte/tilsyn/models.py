"""Tilsyn visits (Socialtilsynet's, the municipality's, or the offer's own assessment)
scored against the kvalitetsmodel, and the handleplan's actions after a visit.

Nothing here names a citizen: a visit is about an offer (its teams), never a record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bostotte.auth.models import Team, User
from bostotte.common.time import UTCDateTime, utcnow
from bostotte.extensions import Versioned, db

KINDS = {
    "anmeldt": "Anmeldt driftsorienteret tilsyn",
    "uanmeldt": "Uanmeldt driftsorienteret tilsyn",
    "egen_vurdering": "Egen vurdering",
}

visit_teams = Table(
    "tilsyn_visit_teams",
    db.metadata,
    Column("visit_id", ForeignKey("tilsyn_visits.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Visit(Versioned, db.Model):
    __tablename__ = "tilsyn_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_date: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Who visited: "Socialtilsyn Hovedstaden", "BDO", or the offer itself.
    visitor: Mapped[str] = mapped_column(String(200))
    offer: Mapped[str] = mapped_column(String(200))  # the tilbud as the report names it
    model_version: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary=visit_teams, order_by=Team.name)
    scores: Mapped[list[IndicatorScore]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    texts: Mapped[list[ThemeText]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by="Recommendation.position",
    )

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(t.id for t in self.teams)

    @property
    def score_map(self) -> dict[str, int]:
        return {s.indicator: s.score for s in self.scores}

    @property
    def text_map(self) -> dict[str, str]:
        return {t.theme: t.text for t in self.texts}


class IndicatorScore(db.Model):
    __tablename__ = "tilsyn_scores"
    __table_args__ = (
        UniqueConstraint("visit_id", "indicator", name="uq_tilsyn_scores_indicator"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("tilsyn_visits.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(10))  # "9.b"
    score: Mapped[int]

    visit: Mapped[Visit] = relationship(back_populates="scores")


class ThemeText(db.Model):
    """The tilsyn's assessment of one theme, in its words (Økonomi has only this)."""

    __tablename__ = "tilsyn_theme_texts"
    __table_args__ = (UniqueConstraint("visit_id", "theme", name="uq_tilsyn_theme_texts_theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("tilsyn_visits.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)

    visit: Mapped[Visit] = relationship(back_populates="texts")


class Recommendation(db.Model):
    """One of the tilsyn's henstillinger after a visit, in its words, optionally tied to an
    indicator. Every henstilling is offered to the handleplan."""

    __tablename__ = "tilsyn_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("tilsyn_visits.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]  # "Henstilling 2" on the visit page and in the PDFs
    indicator: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)

    visit: Mapped[Visit] = relationship(back_populates="recommendations")


ACTION_STATUSES = {"planned": "Planlagt", "started": "I gang", "done": "Gennemført"}


class Action(Versioned, db.Model):
    """One action of the handleplan after a visit (seed 002): for an indicator, what we do,
    who owns it, by when (a quarter as "3. Q 2024" or a date), its status and a note."""

    __tablename__ = "tilsyn_actions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'started', 'done')", name="status"),
        CheckConstraint(
            "deadline_quarter IS NULL OR (deadline_quarter BETWEEN 1 AND 4)", name="quarter"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("tilsyn_visits.id", ondelete="CASCADE"), index=True
    )
    # The indicator the action answers; none only for an action on a henstilling that is
    # tied to no indicator.
    indicator: Mapped[str | None] = mapped_column(String(10))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("tilsyn_recommendations.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The deadline: a quarter (year + quarter) or a date; `due_date` is the day it falls
    # due either way (a quarter's last day), which reminders reckon from.
    deadline_year: Mapped[int | None]
    deadline_quarter: Mapped[int | None]
    deadline_date: Mapped[date | None]
    due_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    note: Mapped[str] = mapped_column(Text, default="")
    # Exactly once: the reminder that the deadline nears, and the one that it has passed.
    near_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship()
    owner: Mapped[User | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()


SAMPLE_METHODS = {"random": "Tilfældigt udtrukket", "chosen": "Valgt af lederen"}


class Sample(db.Model):
    """A stikprøve for a visit: the citizens whose case files the tilsyn reads, who drew
    them, how and why. The citizens are kept by id and position only; their names appear in
    their case files and nowhere else in /tilsyn."""

    __tablename__ = "tilsyn_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("tilsyn_visits.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[SampleMember]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="SampleMember.position"
    )

    @property
    def method_label(self) -> str:
        return SAMPLE_METHODS.get(self.method, self.method)


class SampleMember(db.Model):
    __tablename__ = "tilsyn_sample_members"
    __table_args__ = (UniqueConstraint("sample_id", "citizen_id", name="uq_tilsyn_sample_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("tilsyn_samples.id", ondelete="CASCADE"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    position: Mapped[int]  # "Sagsmappe 2 af 3"

    sample: Mapped[Sample] = relationship(back_populates="members")


class ResultText(Versioned, db.Model):
    """The leader's "Sådan har vi brugt resultaterne" for the resultatdokumentation (theme 3):
    one text per period and set of teams (`team_key`: the team ids, sorted, "2,5")."""

    __tablename__ = "tilsyn_result_texts"
    __table_args__ = (
        UniqueConstraint("team_key", "period_from", "period_to", name="uq_tilsyn_result_texts"),
        CheckConstraint("period_from <= period_to", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_key: Mapped[str] = mapped_column(String(200))
    period_from: Mapped[date]
    period_to: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()
