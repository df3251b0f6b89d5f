"""Invoices: the webhook goes out after the transaction commits; rates are fetched together."""

import asyncio
import contextlib

import httpx

from clean.db import Database


class Ledger(Database):
    """The database (listed in sql_classes), with transactions."""

    def transaction(self) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


async def close_invoice(db: Ledger, client: httpx.AsyncClient, invoice_id: int) -> None:
    async with db.transaction():
        await db.execute("UPDATE account_invoices SET closed = true WHERE id = $1", invoice_id)
    await client.post("/webhooks/invoice-closed", json={"id": invoice_id})


async def exchange_rates(client: httpx.AsyncClient, currencies: list[str]) -> list[httpx.Response]:
    return await asyncio.gather(*(client.get(f"/rates/{currency}") for currency in currencies))


async def close_all(db: Ledger, invoice_ids: list[int]) -> None:
    for invoice_id in invoice_ids:  # one connection: its queries cannot overlap
        await db.execute("UPDATE account_invoices SET closed = true WHERE id = $1", invoice_id)
