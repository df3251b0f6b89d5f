"""Invoices: webhooks sent in a transaction (directly, through a helper), rates fetched one by one."""

import contextlib

import httpx

from service.db import Database


class Ledger(Database):
    """The database (listed in sql_classes), with transactions."""

    def transaction(self) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


async def close_invoice(db: Ledger, client: httpx.AsyncClient, invoice_id: int) -> None:
    async with db.transaction():
        await db.execute("UPDATE account_invoices SET closed = true WHERE id = $1", invoice_id)
        await client.post("/webhooks/invoice-closed", json={"id": invoice_id})  # in the transaction


async def exchange_rates(client: httpx.AsyncClient, currencies: list[str]) -> list[httpx.Response]:
    rates = []
    for currency in currencies:
        rates.append(await client.get(f"/rates/{currency}"))  # one request at a time
    return rates


async def notify_voided(client: httpx.AsyncClient, invoice_id: int) -> None:
    await client.post("/webhooks/invoice-voided", json={"id": invoice_id})


async def void_invoice(db: Ledger, client: httpx.AsyncClient, invoice_id: int) -> None:
    async with db.transaction():
        await db.execute("UPDATE account_invoices SET void = true WHERE id = $1", invoice_id)
        await notify_voided(client, invoice_id)  # a helper that posts, in the transaction
