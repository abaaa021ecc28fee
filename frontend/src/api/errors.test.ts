import { describe, expect, it } from "vitest";
import { ApiError, fieldErrors, fieldName, unwrap } from "./errors";

describe("error helpers", () => {
  it("strips the location segment of a field path", () => {
    expect(fieldName("body.username")).toBe("username");
    expect(fieldName("query.page")).toBe("page");
    expect(fieldName("body.slots.0.start")).toBe("slots.0.start");
    expect(fieldName("username")).toBe("username");
  });

  it("maps details to fields, first error per field", () => {
    const err = new ApiError({
      status: 422,
      code: "validation_error",
      message: "body.username: Field required",
      details: [
        { field: "body.username", code: "missing", message: "Field required" },
        { field: "body.username", code: "string_type", message: "Input should be a valid string" },
        { field: null, code: "value_error", message: "Form-level" },
      ],
    });
    expect(fieldErrors(err)).toEqual({ username: { field: "body.username", code: "missing", message: "Field required" } });
  });

  it("unwrap turns an error response into an ApiError, even a non-JSON one", async () => {
    const response = new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    const err = await unwrap(Promise.resolve({ error: "<html>Bad gateway</html>", response })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(502);
    expect((err as ApiError).code).toBe("internal_error");
  });

  it("unwrap maps a thrown fetch into a network_error", async () => {
    const err = await unwrap(Promise.reject(new TypeError("Failed to fetch"))).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe("network_error");
    expect((err as ApiError).status).toBe(0);
  });
});
