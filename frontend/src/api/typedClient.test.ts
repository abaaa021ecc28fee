import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./client";
import { ApiError, unwrap } from "./errors";
import { clashesOf } from "./sessions";
import { setAccessToken } from "./session";
import { json, mockFetch } from "../test/fetchMock";

beforeEach(() => setAccessToken("A1"));
afterEach(() => vi.unstubAllGlobals());

describe("the typed client", () => {
  it("sends the access token and query parameters (lists comma-joined, empty ones dropped)", async () => {
    const mock = mockFetch({ "GET /api/sessions/free-slots": () => json([]) });
    await unwrap(
      api.GET("/api/sessions/free-slots", {
        params: { query: { user_ids: ["a", "b"].join(","), start: "2026-01-01T00:00:00Z", end: "", duration_minutes: 60 } },
      }),
    );
    expect(mock.calls[0]!.auth).toBe("Bearer A1");
    const url = new URL((mock.fn.mock.calls[0]![0] as Request).url);
    expect(url.searchParams.get("user_ids")).toBe("a,b");
    expect(url.searchParams.has("end")).toBe(false);
  });

  it("fills path parameters, and a path the API does not serve is a compile error", async () => {
    const mock = mockFetch({ "POST /api/matching/requests/5/accept": () => json({}) });
    await unwrap(api.POST("/api/matching/requests/{request_id}/accept", { params: { path: { request_id: 5 } } }));
    expect(mock.count("POST /api/matching/requests/5/accept")).toBe(1);
    // @ts-expect-error not a path of the generated spec
    expect(() => api.GET("/api/not-served")).toBeDefined();
  });

  it("throws an ApiError that keeps the whole body (the clashes of a timetable_clash)", async () => {
    const clash = { kind: "lecture", title: "Cardiology", starts_at: "2026-01-01T09:00:00Z", ends_at: "2026-01-01T10:00:00Z", source: "timetable" };
    mockFetch({
      "POST /api/sessions/sessions": () =>
        json({ status: 409, code: "timetable_clash", message: "overlap", request_id: "r1", details: [], clashes: [clash] }, 409),
    });
    const error = await unwrap(
      api.POST("/api/sessions/sessions", {
        body: { topic_id: 1, title: "t", starts_at: "2026-01-01T09:00:00Z", ends_at: "2026-01-01T10:00:00Z", format: "group_online", capacity: 5 } as never,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).requestId).toBe("r1");
    expect(clashesOf(error)).toEqual([clash]);
  });

  it("turns a network failure into a network_error ApiError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("offline"))));
    await expect(unwrap(api.GET("/api/matching/topics"))).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});
