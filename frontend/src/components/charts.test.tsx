import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { ChangeChart } from "./ChangeChart";
import { TrajectoryChart } from "./TrajectoryChart";

describe("charts", () => {
  it("shows the change with its 95% interval, or says there is not enough data", () => {
    render(
      <ChangeChart
        rows={[
          { label: "Confidence", change: { enough_data: true, n: 24, min_n: 10, mean_diff: 0.8, ci_low: 0.5, ci_high: 1.1 } },
          { label: "Anxiety", change: { enough_data: false, n: 4, min_n: 10 } },
        ]}
      />,
    );
    expect(screen.getByRole("img", { name: "Mean change with 95% interval for confidence and anxiety" })).toBeInTheDocument();
    expect(screen.getByText("+0.80 points (95% interval +0.50 to +1.10), 24 learners")).toBeInTheDocument();
    expect(screen.getAllByText("Not enough data yet (4 of 10 needed)").length).toBeGreaterThan(0);
  });

  it("gives the trajectory a title and a data table for screen readers", () => {
    render(
      <MemoryRouter>
        <TrajectoryChart
          title="Confidence for ECG"
          points={[
            { id: 1, topic_id: 1, phase: "before", session_id: null, retrospective: false, confidence: 2, anxiety: 4, created_at: "2026-01-01T10:00:00Z" },
            { id: 2, topic_id: 1, phase: "after", session_id: "3", retrospective: false, confidence: 4, anxiety: 2, created_at: "2026-01-02T10:00:00Z" },
          ]}
        />
      </MemoryRouter>,
    );
    expect(screen.getByRole("img", { name: "Confidence for ECG" })).toBeInTheDocument();
    expect(screen.getAllByRole("row")).toHaveLength(3);
  });
});
