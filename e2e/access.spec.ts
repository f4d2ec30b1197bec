import { expect, test, type Page } from "@playwright/test";
import { signedInContext } from "./support";

async function hrefOf(page: Page, name: RegExp): Promise<string> {
  const href = await page.getByRole("link", { name }).first().getAttribute("href");
  expect(href).toBeTruthy();
  return href!;
}

test("an instructor cannot open another instructor's course, session or student by URL", async ({ browser }) => {
  // Find the ids as the people who may see them.
  const admin = await signedInContext(browser, "admin");
  const adminPage = await admin.newPage();
  await adminPage.goto("/");
  const chemistry = await hrefOf(adminPage, /Chemistry 200 \(demo\)/);
  const dataScience = await hrefOf(adminPage, /^Data Science 101 \(demo\)/);
  await adminPage.goto(dataScience);
  const session = await hrefOf(adminPage, /^Live demo class$/);
  const student = await adminPage
    .getByRole("region", { name: "Roster table" })
    .getByRole("link", { name: "Ana Lima", exact: true })
    .getAttribute("href");
  await admin.close();

  const teacher = await signedInContext(browser, "instructor");
  const page = await teacher.newPage();
  await page.goto("/");
  await expect(page.getByText("Chemistry 200 (demo)")).toHaveCount(0);
  for (const path of [
    chemistry,
    `${chemistry}/edit`,
    `${chemistry}/roster/import`,
    `${chemistry}/sessions/new`,
    "/admin/users",
    "/admin/tokens",
    "/admin/deliveries",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  // Their own course opens.
  expect((await page.goto(dataScience))?.status()).toBe(200);
  await teacher.close();

  const other = await signedInContext(browser, "otherInstructor");
  const otherPage = await other.newPage();
  for (const path of [dataScience, session, `${session}/edit`, student!]) {
    const response = await otherPage.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(otherPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  const live = await otherPage.request.get(`/api/sessions${session.replace("/sessions", "")}/live`);
  expect(live.status()).toBe(404);
  expect(await live.json()).toMatchObject({ error: { code: "not_found" } });
  await other.close();
});
