/** Choices whose names are translation keys (`resources.<r>.choices.<group>.<value>`); react-admin translates them. */
export const choicesOf = (resource: string, group: string, values: readonly string[]) =>
  values.map((id) => ({ id, name: `resources.${resource}.choices.${group}.${id}` }));

/** Role choices, named in the console's language (系统管理员 …). */
export const roleChoices = (roles: readonly string[]) => roles.map((id) => ({ id, name: `yiyun.roles.${id}` }));

/** Weekday choices 1 (Monday) … 7 (Sunday). */
export const dayChoices = [1, 2, 3, 4, 5, 6, 7].map((id) => ({ id, name: `yiyun.days.${id}` }));
