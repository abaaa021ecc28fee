import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call } from "./http";
import { ApiError } from "./errors";
import { clashesOf } from "./sessions";
import { setAccessToken } from "./session";
import { json, mockFetch } from "../test/fetchMock";

beforeEach(() => setAccessToken("A1"));
afterEach(() => vi.unstubAllGlobals());

describe("call()", () => {
  it("sends JSON with the access token and query parameters (lists comma-joined, empty ones dropped)", async () => {
    const mock = mockFetch({ "GET /api/sessions/freebusy": () => json([{ user_id: "u", busy: [] }]) });
    await call("GET", "/api/sessions/freebusy", { query: { user_ids: ["a", "b"], start: "2026-01-01", end: undefined } });
    expect(mock.calls[0]!.auth).toBe("Bearer A1");
    const url = new URL((mock.fn.mock.calls[0]![0] as Request).url);
    expect(url.searchParams.get("user_ids")).toBe("a,b");
    expect(url.searchParams.has("end")).toBe(false);
  });

  it("throws an ApiError that keeps the whole body (the clashes of a timetable_clash)", async () => {
    const clash = { kind: "lecture", title: "Cardiology", starts_at: "2026-01-01T09:00:00Z", ends_at: "2026-01-01T10:00:00Z", source: "timetable" };
    mockFetch({
      "POST /api/sessions/sessions": () =>
        json({ status: 409, code: "timetable_clash", message: "overlap", request_id: "r1", details: [], clashes: [clash] }, 409),
    });
    const error = await call("POST", "/api/sessions/sessions", { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).requestId).toBe("r1");
    expect(clashesOf(error)).toEqual([clash]);
  });

  it("turns a network failure into a network_error ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("offline"))));
    await expect(call("GET", "/api/matching/topics")).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});
