// Block Kit and mrkdwn, rendered as Slack's client would, enough to judge the product.
// Safety: every piece of text becomes a DOM text node (textContent); nothing is ever parsed as HTML, so what
// anyone typed is shown as typed. Links are only made for http(s) and mailto URLs.
"use strict";

(function () {
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Slack escapes &, < and > in message text; shown as the characters they stand for.
  function unescapeSlack(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function safeUrl(url) {
    return /^(https?:\/\/|mailto:)/i.test(url) ? url : null;
  }

  function personName(people, id) {
    const found = (people || []).find((p) => p.id === id);
    return found ? found.name : id;
  }

  // Inline mrkdwn: `code`, <links|and mentions>, *bold*, _italic_, ~strike~ (nested ones too).
  const INLINE =
    /`([^`\n]+)`|<([^<>\n]+)>|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])|(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])|(?<![\w~])~(?!\s)([^~\n]+?)~(?![\w~])/g;

  function inline(text, parent, people) {
    let last = 0;
    INLINE.lastIndex = 0;
    const matches = [...text.matchAll(INLINE)];
    for (const m of matches) {
      if (m.index > last) parent.appendChild(document.createTextNode(unescapeSlack(text.slice(last, m.index))));
      if (m[1] !== undefined) {
        parent.appendChild(el("code", "inline-code", unescapeSlack(m[1])));
      } else if (m[2] !== undefined) {
        parent.appendChild(angle(m[2], people));
      } else {
        const [tag, inner] = m[3] !== undefined ? ["b", m[3]] : m[4] !== undefined ? ["i", m[4]] : ["s", m[5]];
        const node = el(tag);
        inline(inner, node, people);
        parent.appendChild(node);
      }
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(unescapeSlack(text.slice(last))));
  }

  function angle(inner, people) {
    const [target, label] = inner.split("|", 2);
    if (target.startsWith("@")) return el("span", "mention", "@" + personName(people, target.slice(1)));
    if (target.startsWith("!date^")) return document.createTextNode(unescapeSlack(label || ""));
    if (target.startsWith("!")) return el("span", "mention", "@" + (label || target.slice(1).split("^")[0]));
    if (target.startsWith("#")) return el("span", "mention", "#" + (label || target.slice(1)));
    const url = safeUrl(unescapeSlack(target));
    if (!url) return document.createTextNode("<" + unescapeSlack(inner) + ">");
    const a = el("a", "link", unescapeSlack(label || target));
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  // Block-level mrkdwn: ```preformatted```, > quotes, and lines (lists are lines starting with • or -).
  function mrkdwn(text, people) {
    const root = el("div", "mrkdwn");
    const parts = String(text || "").split("```");
    parts.forEach((part, i) => {
      if (i % 2 === 1) {
        root.appendChild(el("pre", "pre", unescapeSlack(part.replace(/^\n/, ""))));
        return;
      }
      const lines = part.split("\n");
      lines.forEach((line, j) => {
        if (i > 0 && j === 0 && line === "") return;
        const quote = line.match(/^(&gt;|>)\s?(.*)$/);
        const list = line.match(/^\s*([•◦▪\-]|\d+\.)\s+(.*)$/);
        let node;
        if (quote) {
          node = el("blockquote", "quote");
          inline(quote[2], node, people);
        } else if (list) {
          node = el("div", "list-item");
          node.appendChild(el("span", "bullet", list[1] === "-" ? "•" : list[1]));
          const body = el("span");
          inline(list[2], body, people);
          node.appendChild(body);
        } else {
          node = el("div", "line");
          if (line === "") node.appendChild(el("br"));
          else inline(line, node, people);
        }
        root.appendChild(node);
      });
    });
    return root;
  }

  function textObject(obj, people) {
    if (!obj) return el("span");
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, people);
    return el("span", "plain", obj.text);
  }

  function plain(obj) {
    return obj && typeof obj.text === "string" ? obj.text : "";
  }

  function unknown(kind, what) {
    return el("div", "unknown", "[" + what + " not shown by the demo: " + kind + "]");
  }

  // -- elements -----------------------------------------------------------------------------------------

  function optionNode(option, people) {
    const box = el("span", "option-text");
    box.appendChild(textObject(option.text, people));
    if (option.description) box.appendChild(el("span", "option-description", plain(option.description)));
    return box;
  }

  function allOptions(element) {
    if (Array.isArray(element.options)) return element.options;
    return (element.option_groups || []).flatMap((g) => g.options || []);
  }

  function sameOption(a, b) {
    return a && b && a.value === b.value;
  }

  // A stateful element: `read()` gives its entry of view.state.values, in Slack's shape.
  function register(ctx, blockId, element, read) {
    if (ctx.form && element.action_id) ctx.form.push({ blockId, actionId: element.action_id, read });
  }

  function fire(ctx, blockId, element, extra) {
    const action = { action_id: element.action_id, block_id: blockId, type: element.type, ...extra };
    const go = () => ctx.onAction(action);
    if (element.confirm && ctx.confirm) ctx.confirm(element.confirm, go);
    else go();
  }

  function button(element, blockId, ctx) {
    const b = el("button", "btn" + (element.style ? " " + element.style : ""), plain(element.text));
    b.type = "button";
    b.dataset.actionId = element.action_id || "";
    b.addEventListener("click", () => {
      const url = element.url && safeUrl(element.url);
      if (url) window.open(url, "_blank", "noopener,noreferrer");
      fire(ctx, blockId, element, { value: element.value, text: element.text });
    });
    return b;
  }

  function staticSelect(element, blockId, ctx, interactive) {
    const select = el("select", "select");
    select.dataset.actionId = element.action_id || "";
    const placeholder = el("option", null, plain(element.placeholder) || "Choose…");
    placeholder.value = "";
    select.appendChild(placeholder);
    const options = allOptions(element);
    options.forEach((o, i) => {
      const node = el("option", null, plain(o.text));
      node.value = String(i);
      if (sameOption(o, element.initial_option)) node.selected = true;
      select.appendChild(node);
    });
    const chosen = () => (select.value === "" ? null : options[Number(select.value)]);
    register(ctx, blockId, element, () => ({ type: element.type, selected_option: chosen() }));
    if (interactive) select.addEventListener("change", () => fire(ctx, blockId, element, { selected_option: chosen() }));
    return select;
  }

  function usersSelect(element, blockId, ctx, interactive) {
    const select = el("select", "select users");
    select.dataset.actionId = element.action_id || "";
    const placeholder = el("option", null, plain(element.placeholder) || "Choose a person…");
    placeholder.value = "";
    select.appendChild(placeholder);
    (ctx.people || []).forEach((p) => {
      const node = el("option", null, p.label || p.name);
      node.value = p.id;
      if (element.initial_user === p.id) node.selected = true;
      select.appendChild(node);
    });
    const chosen = () => select.value || null;
    register(ctx, blockId, element, () => ({ type: element.type, selected_user: chosen() }));
    if (interactive) select.addEventListener("change", () => fire(ctx, blockId, element, { selected_user: chosen() }));
    return select;
  }

  function datepicker(element, blockId, ctx, interactive) {
    const input = el("input", "date");
    input.type = "date";
    input.dataset.actionId = element.action_id || "";
    if (element.initial_date) input.value = element.initial_date;
    const chosen = () => input.value || null;
    register(ctx, blockId, element, () => ({ type: "datepicker", selected_date: chosen() }));
    if (interactive) input.addEventListener("change", () => fire(ctx, blockId, element, { selected_date: chosen() }));
    return input;
  }

  function textInput(element, blockId, ctx) {
    const input = element.multiline ? el("textarea", "text multiline") : el("input", "text");
    if (!element.multiline) input.type = "text";
    input.dataset.actionId = element.action_id || "";
    if (element.placeholder) input.placeholder = plain(element.placeholder);
    if (element.max_length) input.maxLength = element.max_length;
    if (element.initial_value) input.value = element.initial_value;
    register(ctx, blockId, element, () => ({ type: "plain_text_input", value: input.value === "" ? null : input.value }));
    return input;
  }

  function numberInput(element, blockId, ctx) {
    const input = el("input", "text number");
    input.type = "number";
    input.dataset.actionId = element.action_id || "";
    input.step = element.is_decimal_allowed ? "any" : "1";
    if (element.min_value !== undefined) input.min = element.min_value;
    if (element.max_value !== undefined) input.max = element.max_value;
    if (element.initial_value !== undefined) input.value = element.initial_value;
    register(ctx, blockId, element, () => ({ type: "number_input", value: input.value === "" ? null : input.value }));
    return input;
  }

  function choices(element, blockId, ctx, interactive, multiple) {
    const box = el("div", multiple ? "checkboxes" : "radios");
    box.dataset.actionId = element.action_id || "";
    const name = "r" + Math.random().toString(36).slice(2);
    const initial = multiple ? element.initial_options || [] : element.initial_option ? [element.initial_option] : [];
    const inputs = (element.options || []).map((o) => {
      const label = el("label", "choice");
      const input = el("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = name;
      input.value = o.value;
      input.checked = initial.some((i) => sameOption(i, o));
      label.appendChild(input);
      label.appendChild(optionNode(o, ctx.people));
      box.appendChild(label);
      return [input, o];
    });
    const picked = () => inputs.filter(([i]) => i.checked).map(([, o]) => o);
    const read = () =>
      multiple
        ? { type: "checkboxes", selected_options: picked() }
        : { type: "radio_buttons", selected_option: picked()[0] || null };
    register(ctx, blockId, element, read);
    if (interactive) {
      inputs.forEach(([i]) => i.addEventListener("change", () => fire(ctx, blockId, element, read())));
    }
    return box;
  }

  function overflow(element, blockId, ctx) {
    const select = el("select", "select overflow");
    const head = el("option", null, "⋯");
    head.value = "";
    select.appendChild(head);
    (element.options || []).forEach((o, i) => {
      const node = el("option", null, plain(o.text));
      node.value = String(i);
      select.appendChild(node);
    });
    select.addEventListener("change", () => {
      if (select.value !== "") fire(ctx, blockId, element, { selected_option: element.options[Number(select.value)] });
    });
    return select;
  }

  function image(element) {
    // Images load from elsewhere, which the demo never does: their words stand in for them.
    return el("span", "image-alt", "[image: " + (element.alt_text || "") + "]");
  }

  // interactive: an element outside an input block, which sends block_actions when used.
  function element(element, blockId, ctx, interactive) {
    switch (element && element.type) {
      case "button":
        return button(element, blockId, ctx);
      case "static_select":
        return staticSelect(element, blockId, ctx, interactive);
      case "users_select":
        return usersSelect(element, blockId, ctx, interactive);
      case "datepicker":
        return datepicker(element, blockId, ctx, interactive);
      case "plain_text_input":
        return textInput(element, blockId, ctx);
      case "number_input":
        return numberInput(element, blockId, ctx);
      case "radio_buttons":
        return choices(element, blockId, ctx, interactive, false);
      case "checkboxes":
        return choices(element, blockId, ctx, interactive, true);
      case "overflow":
        return overflow(element, blockId, ctx);
      case "image":
        return image(element);
      default:
        return unknown((element && element.type) || "no type", "element");
    }
  }

  // -- blocks -------------------------------------------------------------------------------------------

  function block(b, ctx) {
    const blockId = b.block_id || "";
    let node;
    switch (b.type) {
      case "section": {
        node = el("div", "block section");
        const body = el("div", "section-body");
        if (b.text) body.appendChild(textObject(b.text, ctx.people));
        if (Array.isArray(b.fields)) {
          const fields = el("div", "fields");
          b.fields.forEach((f) => fields.appendChild(el("div", "field")).appendChild(textObject(f, ctx.people)));
          body.appendChild(fields);
        }
        node.appendChild(body);
        if (b.accessory) node.appendChild(el("div", "accessory")).appendChild(element(b.accessory, blockId, ctx, true));
        break;
      }
      case "context": {
        node = el("div", "block context");
        (b.elements || []).forEach((e) =>
          node.appendChild(e.type === "image" ? image(e) : textObject(e, ctx.people)),
        );
        break;
      }
      case "header":
        node = el("h2", "block header", plain(b.text));
        break;
      case "divider":
        node = el("hr", "block divider");
        break;
      case "actions": {
        node = el("div", "block actions");
        (b.elements || []).forEach((e) => node.appendChild(element(e, blockId, ctx, true)));
        break;
      }
      case "input": {
        node = el("div", "block input");
        node.dataset.blockId = blockId;
        const label = el("label", "input-label", plain(b.label));
        if (b.optional) label.appendChild(el("span", "optional", " (optional)"));
        node.appendChild(label);
        node.appendChild(element(b.element, blockId, ctx, Boolean(b.dispatch_action)));
        if (b.hint) node.appendChild(el("div", "hint", plain(b.hint)));
        const error = el("div", "field-error");
        error.dataset.errorFor = blockId;
        const message = ctx.errors && ctx.errors[blockId];
        if (message) error.textContent = message;
        node.appendChild(error);
        break;
      }
      case "image":
        node = el("div", "block image");
        node.appendChild(image(b));
        break;
      default:
        node = unknown(b.type || "no type", "block");
    }
    if (blockId) node.dataset.blockId = blockId;
    return node;
  }

  function renderBlocks(blocks, ctx) {
    const root = el("div", "blocks");
    (blocks || []).forEach((b) => root.appendChild(block(b, ctx)));
    return root;
  }

  // view.state.values from what the form's elements hold now.
  function stateValues(form) {
    const values = {};
    form.forEach(({ blockId, actionId, read }) => {
      values[blockId] = values[blockId] || {};
      values[blockId][actionId] = read();
    });
    return values;
  }

  window.BlockKit = { el, mrkdwn, renderBlocks, stateValues, plain };
})();
