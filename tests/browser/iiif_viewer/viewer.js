// The outside IIIF viewer the browser test plays a manifest in: Clover, loaded by a page
// on another origin, with the manifest address from ?manifest=.
import React from "react";
import { createRoot } from "react-dom/client";
import Viewer from "@samvera/clover-iiif/viewer";

const manifest = new URLSearchParams(window.location.search).get("manifest");
createRoot(document.getElementById("viewer")).render(
  React.createElement(Viewer, {
    iiifContent: manifest,
    options: { informationPanel: { open: true, renderAbout: true, renderSupplementing: true } },
  }),
);
