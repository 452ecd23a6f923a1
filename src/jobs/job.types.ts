/** A repeating Agenda job. */
export interface JobSpec {
  name: string;
  everySeconds: number;
  run: () => Promise<void>;
}
