import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new user account.' })
export class CreateUserInput {
  @Field(() => String, { description: '3-32 letters, digits, ".", "_" or "-"; unique regardless of case.' })
  username!: string;

  @Field(() => String, {
    description: 'At least 12 characters, 5 of them different, not containing the username.',
  })
  password!: string;

  @Field(() => [String], { defaultValue: [], description: 'Scopes to grant; the caller must hold each one.' })
  scopes!: string[];
}
