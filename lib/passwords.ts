import bcrypt from "bcryptjs";

const COST = 12;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  // Compare against a fixed hash when the user has none, so timing does not reveal which emails exist.
  return bcrypt.compare(password, hash ?? "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5A7bJX2xKQdK5lHk7p0aV9P6JHbN0fS");
}
