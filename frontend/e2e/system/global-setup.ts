import type { FullConfig } from "@playwright/test";
import { Api } from "./api";
import { startStack } from "./stack";

export const PASSWORD = "E2e-journey-2026!";
export const LANGS = ["en", "fr"] as const;
export type Lang = (typeof LANGS)[number];

export interface Cast {
  topicId: number;
  topicName: string;
  cohort: string;
  learner: { id: string; username: string };
  tutor: { id: string; username: string };
  peer: { id: string; username: string };
}

export interface SystemEnv {
  baseURL: string;
  adminPassword: string;
  supervisor: { id: string; username: string };
  casts: Record<Lang, Cast>;
}

async function user(admin: Api, username: string, fullName: string, roles: string[]) {
  const created = await admin.post<{ id: string }>("/api/admin/users", { username, full_name: fullName, roles, password: PASSWORD });
  return { id: created.id, username };
}

/**
 * Start the real stack, then arrange (through the API, as an admin and a
 * supervisor would) what the journeys start from: people, a topic per
 * language, the tutor's profile and approval. The journeys themselves run in the UI.
 */
export default async function globalSetup(_config: FullConfig) {
  const stack = await startStack();
  process.env.NP_STACK_PID = String(stack.process.pid);
  process.env.NP_DATA_DIR = stack.dataDir;
  try {
    const admin = await Api.login(stack.baseURL, "admin", stack.passwords.admin!);
    const supervisorUser = await user(admin, "e2e_supervisor", "Pr Hélène Garnier", ["supervisor"]);
    const supervisor = await Api.login(stack.baseURL, supervisorUser.username, PASSWORD);
    const casts = {} as Record<Lang, Cast>;
    for (const lang of LANGS) {
      const tag = lang.toUpperCase();
      const topicName = lang === "en" ? "Heart murmurs (journey EN)" : "Souffles cardiaques (parcours FR)";
      const topic = await supervisor.post<{ id: number }>("/api/matching/topics", { name: topicName, kind: "clinical_reasoning" });
      const learner = await user(admin, `e2e_learner_${lang}`, lang === "en" ? "Lina Learner" : "Léa Apprenante", ["learner"]);
      const peer = await user(admin, `e2e_peer_${lang}`, lang === "en" ? "Paul Peer" : "Paulin Pair", ["learner"]);
      const tutor = await user(admin, `e2e_tutor_${lang}`, lang === "en" ? "Tariq Tutor" : "Tania Tutrice", ["tutor", "learner"]);
      const tutorApi = await Api.login(stack.baseURL, tutor.username, PASSWORD);
      await tutorApi.put("/api/matching/tutors/me", {
        display_name: lang === "en" ? "Tariq Tutor" : "Tania Tutrice",
        stage: 5,
        capacity: 5,
        formats: ["one_to_one_in_person", "one_to_one_online", "group_in_person", "group_online"],
        languages: ["fr", "en"],
        topics: [topic.id],
      });
      await supervisor.post("/api/matching/approvals", { tutor_id: tutor.id, topic_id: topic.id, evidence: "Observed teaching this topic twice (e2e)." });
      const cohort = `E2E-${tag}`;
      // A second learner of the cohort, for the cohort matching run.
      await admin.put(`/api/matching/learners/${peer.id}`, {
        display_name: peer.username,
        stage: 3,
        cohort,
        formats: ["group_in_person", "one_to_one_in_person"],
        languages: ["fr", "en"],
        goal: null,
        topics: [{ topic_id: topic.id, priority: 5 }],
      });
      casts[lang] = { topicId: topic.id, topicName, cohort, learner, tutor, peer };
    }
    const env: SystemEnv = { baseURL: stack.baseURL, adminPassword: stack.passwords.admin!, supervisor: supervisorUser, casts };
    process.env.NP_SYSTEM = JSON.stringify(env);
  } catch (error) {
    const { stopStack } = await import("./stack");
    await stopStack(stack.process.pid!);
    throw error;
  }
}
