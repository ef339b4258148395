import { describe, expect, it } from "vitest";
import { sqliteClient } from "../../db/client";
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { freshDb } from "../support/db";
import { checkpointLargeWal } from "~/services/shared/wal.server";

function grow(sqlite: Database.Database, rows: number) {
  sqlite.exec("create table if not exists filler (id integer primary key, body text)");
  const insert = sqlite.prepare("insert into filler (body) values (?)");
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run("x".repeat(1000));
  })();
}

const walSize = (path: string) => statSync(`${path}-wal`).size;

describe("the job's WAL checkpoint (R5)", () => {
  it("leaves a small WAL alone", () => {
    const { db, path } = freshDb();
    grow(sqliteClient(db)!, 10);
    const size = walSize(path);
    expect(checkpointLargeWal(db, { thresholdBytes: 1024 * 1024 })).toEqual({ status: "small", walBytes: size });
    expect(walSize(path)).toBe(size);
  });

  it("truncates a WAL above the threshold, keeping every row", () => {
    const { db, path } = freshDb();
    grow(sqliteClient(db)!, 2000);
    expect(walSize(path)).toBeGreaterThan(1024 * 1024);
    const result = checkpointLargeWal(db, { thresholdBytes: 1024 * 1024 });
    expect(result.status).toBe("truncated");
    expect(walSize(path)).toBe(0);
    const other = new Database(path, { readonly: true });
    expect(other.prepare("select count(*) as n from filler").get()).toEqual({ n: 2000 });
    other.close();
    expect(sqliteClient(db)!.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("gives up within its wait while a reader holds an old snapshot, and succeeds on a later pass", () => {
    const { db, path } = freshDb();
    grow(sqliteClient(db)!, 100);
    // Another process reading through a long transaction: it pins the WAL.
    const reader = new Database(path);
    reader.exec("begin");
    reader.prepare("select count(*) from filler").get();
    grow(sqliteClient(db)!, 2000);
    const starved = checkpointLargeWal(db, { thresholdBytes: 1024 * 1024, waitMs: 50 });
    expect(starved.status).toBe("busy");
    // The connection's own busy timeout is back for everything else the job does.
    expect(sqliteClient(db)!.pragma("busy_timeout", { simple: true })).toBe(5000);
    reader.exec("commit");
    reader.close();
    expect(checkpointLargeWal(db, { thresholdBytes: 1024 * 1024 }).status).toBe("truncated");
    expect(walSize(path)).toBe(0);
  });
});
