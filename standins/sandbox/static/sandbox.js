// The sandbox page: polls the sandbox server for what the chosen person sees, renders the bot's
// Block Kit with DOM nodes only (message text never goes through innerHTML), and sends what the
// person does back to the server, which signs it and forwards it to the bot as Slack would.
"use strict";

const directory = JSON.parse(document.getElementById("directory").textContent);
const POLL_MS = 1000;
const view = { person: "", channel: "", feedJson: "", cloudJson: "", modalKey: "" };

const EMOJI = {
  hourglass_flowing_sand: "\u23f3", hourglass: "\u231b", white_check_mark: "\u2705",
  heavy_check_mark: "\u2714\ufe0f", x: "\u274c", no_entry: "\u26d4", no_entry_sign: "\ud83d\udeab",
  heavy_plus_sign: "\u2795", heavy_minus_sign: "\u2796", warning: "\u26a0\ufe0f",
  lock: "\ud83d\udd12", unlock: "\ud83d\udd13", rotating_light: "\ud83d\udea8",
  information_source: "\u2139\ufe0f", repeat: "\ud83d\udd01", alarm_clock: "\u23f0",
  shield: "\ud83d\udee1\ufe0f", test_tube: "\ud83e\uddea", wastebasket: "\ud83d\uddd1\ufe0f",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function emoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function userName(id) {
  return directory.users[id] || id;
}

// <…> entities: mentions, channels, dates (their fallback text), special mentions, links.
function angle(inner) {
  const [target, ...rest] = inner.split("|");
  const label = rest.join("|");
  if (/^@[UW]/.test(target)) return el("span", "mention", "@" + userName(target.slice(1)));
  if (target.startsWith("#C") || target.startsWith("#G")) {
    return el("span", "mention", "#" + (label || directory.channels[target.slice(1)] || target));
  }
  if (target.startsWith("!date^")) return document.createTextNode(unescapeSlack(label));
  if (target.startsWith("!subteam^")) return el("span", "mention", label || "@group");
  if (target.startsWith("!")) return el("span", "mention", "@" + target.slice(1));
  if (/^(https?:|mailto:)/i.test(target)) {
    const link = el("a", "", unescapeSlack(label || target));
    link.href = unescapeSlack(target);
    link.rel = "noopener noreferrer";
    link.target = "_blank";
    return link;
  }
  return document.createTextNode(unescapeSlack(label || target));
}

const MRKDWN = /```([\s\S]*?)```|`([^`\n]+)`|<([^<>\n]+)>|\*([^*\n]+)\*|(?<![A-Za-z0-9])_([^_\n]+)_(?![A-Za-z0-9])|~([^~\n]+)~|\n/g;

function mrkdwn(text, parent) {
  let last = 0;
  for (const match of text.matchAll(MRKDWN)) {
    if (match.index > last) parent.append(emoji(unescapeSlack(text.slice(last, match.index))));
    const [, pre, code, entity, bold, italic, strike] = match;
    if (pre !== undefined) parent.append(el("pre", "", unescapeSlack(pre)));
    else if (code !== undefined) parent.append(el("code", "", unescapeSlack(code)));
    else if (entity !== undefined) parent.append(angle(entity));
    else if (bold !== undefined) mrkdwn(bold, parent.appendChild(el("b")));
    else if (italic !== undefined) mrkdwn(italic, parent.appendChild(el("i")));
    else if (strike !== undefined) mrkdwn(strike, parent.appendChild(el("s")));
    else parent.append(el("br"));
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.append(emoji(unescapeSlack(text.slice(last))));
  return parent;
}

function textObject(object, className) {
  const node = el("div", className);
  if (!object) return node;
  if (object.type === "mrkdwn") return mrkdwn(object.text || "", node);
  node.textContent = emoji(object.text || "");
  return node;
}

function plain(object) {
  return object ? emoji(object.text || "") : "";
}

function askConfirm(confirm) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = plain(confirm.title) || "Are you sure?";
  document.getElementById("confirm-text").replaceChildren(textObject(confirm.text));
  const ok = document.getElementById("confirm-ok");
  const deny = document.getElementById("confirm-deny");
  ok.textContent = plain(confirm.confirm) || "Yes";
  deny.textContent = plain(confirm.deny) || "Cancel";
  ok.className = confirm.style === "danger" ? "danger" : "primary";
  return new Promise((resolve) => {
    const finish = (answer) => { dialog.close(); ok.onclick = deny.onclick = null; resolve(answer); };
    ok.onclick = () => finish(true);
    deny.onclick = () => finish(false);
    dialog.showModal();
  });
}

function button(element, blockId, context) {
  const node = el("button", "slack-button " + (element.style || ""), plain(element.text));
  node.type = "button";
  node.dataset.actionId = element.action_id || "";
  node.onclick = async () => {
    if (element.confirm && !(await askConfirm(element.confirm))) return;
    context.onAction({ action_id: element.action_id, block_id: blockId, value: element.value });
  };
  return node;
}

function renderBlocks(blocks, context) {
  const container = el("div", "blocks");
  blocks.forEach((block, index) => {
    const blockId = block.block_id || "b" + index;
    if (block.type === "header") container.append(textObject(block.text, "block-header"));
    else if (block.type === "divider") container.append(el("hr", "block-divider"));
    else if (block.type === "section") {
      const section = el("div", "block-section");
      if (block.text) section.append(textObject(block.text));
      if (block.fields) {
        const fields = el("div", "block-fields");
        block.fields.forEach((field) => fields.append(textObject(field)));
        section.append(fields);
      }
      if (block.accessory && block.accessory.type === "button") {
        section.append(button(block.accessory, blockId, context));
      }
      container.append(section);
    } else if (block.type === "context") {
      const line = el("div", "block-context");
      (block.elements || []).forEach((item) => {
        const part = item.type === "image" ? el("span", "", "[" + (item.alt_text || "image") + "]")
          : textObject(item);
        part.style.display = "inline";
        line.append(part);
      });
      container.append(line);
    } else if (block.type === "actions") {
      const row = el("div", "block-actions");
      (block.elements || []).filter((item) => item.type === "button")
        .forEach((item) => row.append(button(item, blockId, context)));
      container.append(row);
    } else if (block.type === "input" && context.input) container.append(context.input(block, blockId));
    else if (block.type === "image") container.append(el("div", "", "[image: " + (block.alt_text || "") + "]"));
  });
  return container;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const answer = response.headers.get("content-type")?.includes("json") ? await response.json() : {};
  const status = document.getElementById("status");
  status.textContent = response.ok ? "" : answer.error || "the sandbox answered HTTP " + response.status;
  return answer;
}

function channelId() {
  return view.channel === "dm" ? "D" + view.person.slice(1) : view.channel;
}

function renderMessage(item) {
  const node = el("div", "message" + (item.ephemeral ? " ephemeral" : ""));
  node.dataset.key = item.key;
  const head = el("div");
  head.append(el("span", "author", userName(item.author)));
  const time = new Date(Number(item.ts.split(".")[0]) * 1000);
  head.append(el("span", "meta", time.toLocaleTimeString() + (item.edited ? " (edited)" : "")));
  if (item.ephemeral) head.append(el("span", "only-you", "Only visible to you"));
  node.append(head);
  const context = {
    onAction: (action) => api("/api/action", {
      user: view.person, channel: channelId(), surface: "message", key: item.key, ts: item.ts, action,
    }).then(poll),
  };
  node.append(item.blocks.length ? renderBlocks(item.blocks, context) : mrkdwn(item.text, el("div")));
  if (item.replies.length) {
    const replies = el("div", "replies");
    item.replies.forEach((reply) => replies.append(renderMessage(reply)));
    node.append(replies);
  }
  return node;
}

function renderFeed(state) {
  const messages = document.getElementById("messages");
  if (view.channel === "home") {
    const context = {
      onAction: (action) => api("/api/action", { user: view.person, surface: "home", action }).then(poll),
    };
    messages.replaceChildren(state.home ? renderBlocks(state.home.blocks || [], context)
      : el("p", "meta", "The App Home is loading…"));
    return;
  }
  messages.replaceChildren(...state.messages.map(renderMessage));
  messages.scrollTop = messages.scrollHeight;
}

// Modals: inputs keep what was typed until the bot updates the view (a new hash).
function optionNode(option) {
  const node = el("option", "", plain(option.text));
  node.value = option.value;
  node.dataset.label = option.text ? option.text.text : option.value;
  return node;
}

function modalInput(block, blockId) {
  const wrapper = el("div", "input-block");
  wrapper.dataset.blockId = blockId;
  const element = block.element || {};
  wrapper.dataset.actionId = element.action_id || "";
  wrapper.dataset.type = element.type || "";
  const label = el("label", "", plain(block.label) + (block.optional ? " (optional)" : ""));
  label.htmlFor = "input-" + blockId;
  wrapper.append(label);
  let control;
  if (element.type === "plain_text_input") {
    control = el(element.multiline ? "textarea" : "input");
    control.value = element.initial_value || "";
    control.placeholder = plain(element.placeholder);
  } else if (element.type === "static_select" || element.type === "external_select") {
    control = el("select");
    control.append(optionNode({ text: element.placeholder || { text: "Choose…" }, value: "" }));
    (element.options || []).forEach((option) => control.append(optionNode(option)));
    if (element.initial_option) control.append(optionNode(element.initial_option));
    if (element.initial_option) control.value = element.initial_option.value;
    if (element.type === "external_select") {
      const search = el("input", "suggest-query");
      search.type = "search";
      search.placeholder = "Type to search";
      const refresh = () => suggest(wrapper, control, search.value);
      search.oninput = refresh;
      control.onfocus = refresh;
      wrapper.append(search);
    }
  } else {
    control = el("p", "meta", "(this sandbox cannot show a " + element.type + ")");
  }
  control.id = "input-" + blockId;
  wrapper.append(control);
  if (block.hint) wrapper.append(el("div", "input-hint", plain(block.hint)));
  wrapper.append(el("div", "input-error"));
  return wrapper;
}

async function suggest(wrapper, select, typed) {
  const answer = await api("/api/suggest", {
    user: view.person, view_id: view.modalKey.split("#")[0], values: modalValues(),
    action: { action_id: wrapper.dataset.actionId, block_id: wrapper.dataset.blockId, value: typed },
  });
  const chosen = select.value;
  const keep = [...select.options].filter((option) => option.value === "" || option.value === chosen);
  select.replaceChildren(...keep, ...(answer.options || [])
    .filter((option) => option.value !== chosen).map(optionNode));
  select.value = chosen;
}

function modalValues() {
  const values = {};
  document.querySelectorAll("#modal-blocks .input-block").forEach((wrapper) => {
    const control = wrapper.querySelector("select, input:not(.suggest-query), textarea");
    if (!control) return;
    const { blockId, actionId, type } = wrapper.dataset;
    let value;
    if (control.tagName === "SELECT") {
      const option = control.selectedOptions[0];
      value = { type, selected_option: option && option.value ? {
        text: { type: "plain_text", text: option.dataset.label, emoji: true }, value: option.value,
      } : null };
    } else {
      value = { type, value: control.value || null };
    }
    values[blockId] = { [actionId]: value };
  });
  return values;
}

function showModal(modal) {
  const dialog = document.getElementById("modal");
  const key = modal ? modal.id + "#" + modal.hash : "";
  if (key === view.modalKey) return;
  view.modalKey = key;
  if (!modal) { if (dialog.open) dialog.close(); return; }
  document.getElementById("modal-title").textContent = plain(modal.title);
  const context = {
    input: modalInput,
    onAction: (action) => api("/api/action", {
      user: view.person, surface: "modal", view_id: modal.id, action,
    }).then(poll),
  };
  document.getElementById("modal-blocks").replaceChildren(renderBlocks(modal.blocks || [], context));
  const submit = document.getElementById("modal-submit");
  submit.hidden = !modal.submit;
  submit.textContent = plain(modal.submit);
  document.getElementById("modal-close").textContent = plain(modal.close) || "Cancel";
  if (!dialog.open) dialog.showModal();
}

async function submitModal(event) {
  event.preventDefault();
  const viewId = view.modalKey.split("#")[0];
  const answer = await api("/api/submit", { user: view.person, view_id: viewId, values: modalValues() });
  document.querySelectorAll("#modal-blocks .input-error").forEach((node) => { node.textContent = ""; });
  if (answer.errors) {
    for (const [blockId, message] of Object.entries(answer.errors)) {
      const wrapper = document.querySelector(`#modal-blocks .input-block[data-block-id="${CSS.escape(blockId)}"]`);
      if (wrapper) wrapper.querySelector(".input-error").textContent = message;
    }
    return;
  }
  if (answer.error === undefined) showModal(null);
  poll();
}

function renderCloud(state) {
  const panel = document.getElementById("cloud-state");
  if (state.error) { panel.replaceChildren(el("p", "cloud-empty", state.error)); return; }
  const section = (title, groups, line, names) => {
    const parts = [el("h3", "", title)];
    for (const [id, rules] of Object.entries(groups || {})) {
      const group = el("div", "cloud-group");
      group.dataset.id = id;
      const name = (names || {})[id];
      group.append(el("h3", "", name ? `${name} (${id})` : id));
      const list = el("ul");
      rules.forEach((rule) => list.append(el("li", "", line(rule))));
      group.append(rules.length ? list : el("p", "cloud-empty", "no rules"));
      parts.push(group);
    }
    return parts;
  };
  const region = (one) => [
    ...(state.other_regions ? [el("h3", "cloud-region", `Region ${one.region_id}`)] : []),
    ...section("Gateway authorization rules (MSE)", one.mse_rules,
      (rule) => `${rule.security_group_id} ports ${rule.port_range}`, one.names),
    ...section("Backend security group inbound rules (ECS)", one.security_groups,
      (rule) => `${rule.ip_protocol} ${rule.port_range} from ${rule.source_group_id || rule.source_cidr_ip}`,
      one.names),
  ];
  const others = (state.other_regions || []).filter((one) => !one.error);
  panel.replaceChildren(...region(state), ...others.flatMap(region));
}

async function poll() {
  if (!view.person) return;
  const query = new URLSearchParams({ user: view.person, channel: view.channel === "home" ? "" : channelId() });
  const state = await api("/api/state?" + query);
  if (!state.messages) return;
  const json = JSON.stringify([view.channel, state.messages, state.home]);
  if (json !== view.feedJson) { view.feedJson = json; renderFeed(state); }
  showModal(state.modal);
}

async function pollCloud() {
  const state = await api("/api/cloud");
  const json = JSON.stringify(state);
  if (json !== view.cloudJson) { view.cloudJson = json; renderCloud(state); }
}

function selectChannel(channel) {
  view.channel = channel;
  view.feedJson = "";
  document.querySelectorAll(".channel").forEach((node) => {
    node.classList.toggle("active", node.dataset.channel === channel);
  });
  const title = channel === "home" ? "sgbot · Home" : channel === "dm" ? "sgbot · Messages"
    : "# " + (directory.channels[channel] || channel);
  document.getElementById("conversation-title").textContent = title;
  document.getElementById("composer").hidden = channel === "home";
  if (channel === "home") api("/api/home", { user: view.person }).then(poll);
  else poll();
}

function selectPerson(person) {
  view.person = person;
  view.modalKey = "";
  document.getElementById("modal").close();
  document.querySelectorAll("#channels .channel").forEach((node) => {
    node.parentElement.hidden = !node.dataset.members.split(" ").includes(person);
  });
  const current = document.querySelector(`#channels .channel[data-channel="${view.channel}"]`);
  const first = document.querySelector("#channels li:not([hidden]) .channel");
  const stays = view.channel && !(current && current.parentElement.hidden);
  selectChannel(stays ? view.channel : first ? first.dataset.channel : "dm");
}

document.getElementById("person").onchange = (event) => selectPerson(event.target.value);
document.querySelectorAll(".channel").forEach((node) => {
  node.onclick = () => selectChannel(node.dataset.channel);
});
document.getElementById("composer").onsubmit = async (event) => {
  event.preventDefault();
  const box = document.getElementById("message-box");
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  await api("/api/send", { user: view.person, channel: channelId(), text });
  poll();
};
document.getElementById("message-box").onkeydown = (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    document.getElementById("composer").requestSubmit();
  }
};
document.getElementById("modal-form").onsubmit = submitModal;
document.getElementById("modal-close").onclick = async () => {
  await api("/api/close", { user: view.person, view_id: view.modalKey.split("#")[0] });
  showModal(null);
};
document.getElementById("modal").oncancel = (event) => event.preventDefault();

selectPerson(document.getElementById("person").value);
setInterval(poll, POLL_MS);
setInterval(pollCloud, POLL_MS);
pollCloud();
