/**
 * The API reference: an operator opens /api-docs, jumps to an area from the contents, opens an
 * operation's response schema with the keyboard and reads it, and follows the link to the JSON
 * document, which describes the same operation.
 */
import { expect, test } from "@playwright/test";
import { storageStatePath } from "./fixtures";

const SCREENS = "test-results/screens";

test.describe("API reference", () => {
  test.use({ storageState: storageStatePath("OPERATOR"), viewport: { width: 1280, height: 900 } });

  test("an operator reads how to list anomalies and gets the OpenAPI document", async ({ page, request }) => {
    await page.goto("/api-docs");
    await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
    await page.getByRole("navigation", { name: "API areas" }).getByRole("link", { name: "anomalies", exact: true }).click();
    await expect(page).toHaveURL(/#area-anomalies$/);

    const op = page.getByRole("article", { name: "GET /api/v1/anomalies", exact: true });
    await expect(op.getByText("anomalies:read", { exact: true })).toBeVisible();
    await expect(op.getByRole("table", { name: "Parameters" }).getByRole("row", { name: /^status / })).toContainText("ACKNOWLEDGED");
    await expect(op.getByRole("table", { name: "Parameters" }).getByRole("row", { name: /^sort / })).toContainText("-startTs");
    const response = op.getByText("Response 200", { exact: false });
    await response.focus();
    await page.keyboard.press("Enter");
    const schema = op.getByRole("region", { name: "Response 200 schema" }).or(op.locator("pre[aria-label='Response 200 schema']"));
    await expect(schema).toBeVisible();
    await expect(schema).toContainText('"nextCursor"');
    await page.screenshot({ path: `${SCREENS}/api-docs.png`, fullPage: false });

    expect(await page.getByRole("link", { name: "OpenAPI 3.1 JSON" }).getAttribute("href")).toBe("/api/v1/openapi.json");
    const doc = await (await request.get("/api/v1/openapi.json")).json();
    expect(doc.paths["/api/v1/anomalies"].get.responses["200"].content["application/json"].schema.properties).toHaveProperty("nextCursor");
  });
});
