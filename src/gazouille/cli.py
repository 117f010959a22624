"""The ``gazouille`` command."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select, update

from gazouille.config import ConfigError, Registrations, Settings, load_settings
from gazouille.core import clock
from gazouille.core.db import Database
from gazouille.domains.accounts import repository as accounts_repo
from gazouille.domains.accounts import service as accounts
from gazouille.migrations.runner import upgrade
from gazouille.models import Job

app = typer.Typer(help="Gazouille: a federated microblogging server.", no_args_is_help=True)
account_app = typer.Typer(help="Manage local accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="Inspect and retry background jobs.", invoke_without_command=True)
app.add_typer(account_app, name="account")
app.add_typer(jobs_app, name="jobs")
console = Console()
T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _with_db(settings: Settings, fn: Callable[[Database], Awaitable[T]]) -> T:
    from gazouille.config import set_settings

    set_settings(settings)

    async def run() -> T:
        db = Database(settings.effective_database_url, pool_size=2)
        try:
            return await fn(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = _settings()
    upgrade(settings.effective_database_url)
    console.print("Database is up to date.")


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default: GAZOUILLE_HOST)."),
    port: int = typer.Option(None, help="Port to bind (default: GAZOUILLE_PORT)."),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Run background jobs in this process."
    ),
    migrate_first: bool = typer.Option(
        False, "--migrate", help="Migrate the database before serving."
    ),
    workers: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Server processes sharing the port (one per core); with more than one, the "
        "background jobs run in one extra `gazouille worker` process.",
    ),
    access_log: bool = typer.Option(
        True, "--access-log/--no-access-log", help="Log every request (uvicorn's access log)."
    ),
) -> None:
    """Serve the Mastodon API and (by default) the background worker in this process."""
    import uvicorn

    from gazouille.main import create_app, serve_processes

    settings = _settings()
    if port:
        # The public URL follows --port unless GAZOUILLE_PUBLIC_URL says otherwise.
        settings = load_settings(port=port)
    if migrate_first:
        upgrade(settings.effective_database_url)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if workers > 1:
        if not settings.redis_url:
            console.print(
                "[yellow]Several processes without GAZOUILLE_REDIS_URL: streaming events and "
                "job wake-ups reach only the process that made them.[/yellow]"
            )
        os.environ["GAZOUILLE_PORT"] = str(port or settings.port)
        serve_processes(
            host or settings.host,
            port or settings.port,
            workers,
            jobs=worker,
            access_log=access_log,
        )
        return
    application = create_app(settings, run_worker=worker, tune_gc=True)
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        access_log=access_log,
        proxy_headers=False,
    )


@app.command("worker")
def worker_command(
    concurrency: int = typer.Option(4, min=1, max=64, help="Jobs run at once."),
) -> None:
    """Run background jobs only (for a separate worker process)."""
    from gazouille.core.gc_tuning import tune_for_serving
    from gazouille.main import build_registry, build_state, wire_job_wakeups
    from gazouille.worker.runtime import JobContext, Worker

    settings = _settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def run() -> None:
        state = build_state(settings)
        unwire = wire_job_wakeups(state)
        tune_for_serving()
        runner = Worker(
            JobContext(state.db, state.pubsub), build_registry(), concurrency=concurrency
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, runner.stop)
        console.print(f"Worker started ({concurrency} at once). Ctrl-C to stop.")
        try:
            await runner.run()
        finally:
            unwire()
            await state.pubsub.close()
            await state.db.dispose()

    asyncio.run(run())


@account_app.command("create")
def account_create(
    username: str,
    email: str = typer.Option(..., help="E-mail address (also a login)."),
    password: str = typer.Option(
        None, help="Password; a random one is made and printed if omitted."
    ),
    role: str = typer.Option("user", help="user, moderator or admin."),
) -> None:
    """Create a local account (whatever the registration mode)."""
    settings = _settings()
    password = password or secrets.token_urlsafe(12)

    async def run(db: Database) -> None:
        async with db.write() as session:
            await accounts.register(
                session,
                accounts.Registration(
                    username=username, email=email, password=password, role=role, by_admin=True
                ),
                Registrations.OPEN,
            )

    try:
        _with_db(settings, run)
    except accounts.ValidationFailed as exc:
        _fail(exc.message)
    console.print(f"Created @{username} ({role}). Log in with {email} / {password}")


@account_app.command("list")
def account_list() -> None:
    """List local accounts."""
    settings = _settings()

    async def run(db: Database) -> list[Any]:
        async with db.read() as session:
            return await accounts_repo.list_local(session)

    table = Table("id", "username", "email", "role", "approved", "created")
    for account, user in _with_db(settings, run):
        table.add_row(
            str(account.id),
            account.username,
            user.email,
            user.role,
            "yes" if user.approved else "no",
            account.created_at.date().isoformat(),
        )
    console.print(table)


async def _user(db: Database, session: Any, login: str) -> Any:
    user = await accounts_repo.find_user_by_login(session, login)
    if user is None:
        raise accounts.ValidationFailed(f"No local account {login!r}")
    return user


@account_app.command("set-password")
def account_set_password(
    login: str = typer.Argument(..., help="Username or e-mail."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Set an account's password."""
    settings = _settings()

    async def run(db: Database) -> None:
        async with db.write() as session:
            await accounts.set_password(session, await _user(db, session, login), password)

    try:
        _with_db(settings, run)
    except accounts.ValidationFailed as exc:
        _fail(exc.message)
    console.print("Password changed.")


@account_app.command("make-admin")
def account_make_admin(
    login: str = typer.Argument(..., help="Username or e-mail."),
    role: str = typer.Option("admin", help="admin, moderator or user (to take the role back)."),
) -> None:
    """Give an account the admin (or moderator) role."""
    settings = _settings()

    async def run(db: Database) -> None:
        async with db.write() as session:
            await accounts.set_role(session, await _user(db, session, login), role)

    try:
        _with_db(settings, run)
    except accounts.ValidationFailed as exc:
        _fail(exc.message)
    console.print(f"{login} is now {role}.")


@account_app.command("approve")
def account_approve(login: str = typer.Argument(..., help="Username or e-mail.")) -> None:
    """Approve an account that signed up while registrations needed approval."""
    settings = _settings()

    async def run(db: Database) -> None:
        async with db.write() as session:
            await accounts.approve(session, await _user(db, session, login))

    try:
        _with_db(settings, run)
    except accounts.ValidationFailed as exc:
        _fail(exc.message)
    console.print(f"{login} is approved and can log in.")


@jobs_app.callback()
def jobs_list(
    ctx: typer.Context,
    state: str = typer.Option(None, help="pending, running, done or dead."),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """List background jobs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings()

    async def run(db: Database) -> list[Job]:
        async with db.read() as session:
            stmt = select(Job).order_by(Job.id.desc()).limit(limit)
            if state:
                stmt = stmt.where(Job.state == state)
            return list((await session.execute(stmt)).scalars())

    table = Table("id", "kind", "state", "attempts", "run at", "last error")
    for job in _with_db(settings, run):
        table.add_row(
            str(job.id),
            job.kind,
            job.state,
            f"{job.attempts}/{job.max_attempts}",
            job.run_at.isoformat(timespec="seconds"),
            (job.last_error or "")[:60],
        )
    console.print(table)


@jobs_app.command("retry")
def jobs_retry(
    job_id: int = typer.Argument(None, help="A job id; all dead jobs without one."),
) -> None:
    """Put dead jobs (or one job) back in the queue, now."""
    settings = _settings()

    async def run(db: Database) -> int:
        async with db.write() as session:
            # Dead jobs start over; a waiting job (one id) is hurried along. Running and
            # finished jobs are left alone.
            states = ("dead", "pending") if job_id else ("dead",)
            stmt = (
                update(Job)
                .where(Job.state.in_(states))
                .values(state="pending", run_at=clock.now(), attempts=0, locked_until=None)
            )
            if job_id:
                stmt = stmt.where(Job.id == job_id)
            result = await session.execute(stmt)
            return int(getattr(result, "rowcount", 0) or 0)

    console.print(f"{_with_db(settings, run)} job(s) queued again.")


@app.command("bench-data")
def bench_data(
    size: str = typer.Option(
        "S", help="S (1,000 accounts, 100,000 posts) or M (10,000 / 1,000,000)."
    ),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same community."),
) -> None:
    """Generate a deterministic benchmark community in the configured (empty) database."""
    import json
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from gazouille.bench.data import SIZES, generate

    if size.upper() not in SIZES:
        _fail("--size must be S or M")
    spec = SIZES[size.upper()]
    settings = _settings()
    upgrade(settings.effective_database_url)
    totals = {
        "accounts": spec.local_accounts + spec.remote_accounts,
        "users": spec.local_accounts,
        "tokens": spec.local_accounts,
        "feeds": spec.local_accounts + spec.active_accounts,
        "follows": 0,
        "posts": spec.posts,
        "counters": 0,
    }
    started = time.monotonic()
    with Progress(
        TextColumn("{task.description:>9}"),
        BarColumn(),
        TextColumn("{task.completed:>9,}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(label: str, amount: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=totals.get(label) or None)
            bar.advance(tasks[label], amount)

        async def run(db: Database) -> Any:
            return await generate(db, spec, progress, seed)

        try:
            result = _with_db(settings, run)
        except RuntimeError as exc:
            _fail(str(exc))
    meta = {
        "size": spec.name,
        "seed": seed,
        "public_url": settings.public_url,
        "active_ids": [str(i) for i in result.active_ids],
        "celebrity_ids": [str(i) for i in result.celebrity_ids],
        "rare_word": result.rare_word,
        "common_word": result.common_word,
        "counts": result.counts,
        "seconds": round(time.monotonic() - started, 1),
    }
    path = settings.data_dir / "bench-dataset.json"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(meta, indent=1))
    console.print(
        f"Generated size {spec.name} in {meta['seconds']} s: {result.counts}. Metadata in {path}"
    )


@app.command("demo-admin", hidden=True)
def demo_admin() -> None:
    """Create the demo admin if the instance has no admin yet; print the log-in (make run)."""
    settings = _settings()
    secret_file = settings.data_dir / "demo-admin.txt"

    async def run(db: Database) -> str | None:
        async with db.write() as session:
            from gazouille.models import User

            if (await session.execute(select(User.id).where(User.role == "admin"))).first():
                return None
            password = secrets.token_urlsafe(12)
            await accounts.register(
                session,
                accounts.Registration(
                    username="admin",
                    email="admin@localhost.test",
                    password=password,
                    role="admin",
                    by_admin=True,
                ),
                Registrations.OPEN,
            )
            return password

    password = _with_db(settings, run)
    if password is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(f"admin@localhost.test {password}\n")
        secret_file.chmod(0o600)
    login = (
        secret_file.read_text().strip() if secret_file.exists() else "(an admin already existed)"
    )
    console.print(f"\n  Gazouille is starting at [bold]{settings.public_url}[/bold]")
    console.print(f"  Demo admin (e-mail and password): [bold]{login}[/bold]\n")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        console.print(f"[red]{exc}[/red]")
        sys.exit(2)


if __name__ == "__main__":
    main()
