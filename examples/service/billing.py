"""Invoices: a webhook sent while a transaction is open, and rates fetched one at a time."""

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
